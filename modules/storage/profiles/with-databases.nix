# PostgreSQL and Redis on their own no-CoW subvolumes with consistent-snapshot hooks (NOTES 10). The
# layout comes from the plan (plan the host with the "databases" feature); this module checks that the
# plan has it, starts snapshots only after the databases are up (a fail-closed hook would otherwise
# fail the first snapshot after boot), and turns on PostgreSQL's own page checksums, because no-CoW
# data has no btrfs checksums (NOTES 3).
{ config, lib, ... }:
let
  cfg = config.storage;
  subvolumes = lib.concatMap (pool: pool.subvolumes) cfg.resolvedPlan.pools;
  databases = lib.filter (s: s.workload == "database") subvolumes;
  hooked = type: lib.any (s: lib.any (h: h.type == type) (s.hooks or [ ])) databases;
in
{
  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = databases != [ ];
        message = "profiles/with-databases.nix: the plan of ${cfg.resolvedPlan.host} has no database subvolume; plan it with the databases feature (inventory: \"features\": [\"databases\"]) and `panther plan --json --out …` again";
      }
      {
        assertion = lib.all (s: !s.cow) databases;
        message = "profiles/with-databases.nix: database subvolume(s) ${lib.concatMapStringsSep ", " (s: s.name) (lib.filter (s: s.cow) databases)} are copy-on-write; databases rewrite their files in place and fragment badly under CoW; set storage.btrfs.subvolumes.\"NAME\".cow = false";
      }
    ];
    # Ordering only (no Wants=): a snapshot never starts a database the host does not run. Redis's hook
    # fails open by default, so a snapshot before Redis is up is taken and marked, not lost.
    systemd.services.panther-snapshot.after = lib.optional (hooked "postgres") "postgresql.service";
    services.postgresql.initdbArgs = lib.mkIf (hooked "postgres") (lib.mkDefault [ "--data-checksums" ]);
  };
}
