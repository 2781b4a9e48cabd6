# Restore drills: `panther drill integrity` weekly, `restore` monthly, `disaster` quarterly, each a
# service and timer from the same model as `panther render systemd` (lib/storage/units.nix), opening the
# repository the backup services open, with the same credentials. The drill starts PostgreSQL and Redis
# on the restored copies with the host's own servers (a data directory only opens with its major
# version), so their packages go on the services' PATH when the host runs them.
{ config, lib, ... }:
let
  cfg = config.storage;
  d = cfg.drill;
  b = cfg.backup;
  storageLib = import ../../../lib/storage { inherit lib; };
  svc = import ../service.nix { inherit lib cfg; };
  access = import ../repo-access.nix { inherit lib b; };
  inherit (lib) mkOption types;
  defaults = storageLib.defaultDrill;
  options' = { inherit (d) scratchDir budgetUsd schedule; };
  units = storageLib.pantherDrillUnits cfg.resolvedPlan options';

  services = config.services or { };
  postgresql = services.postgresql or { };
  redis = services.redis or { };
  redisRuns = lib.any (s: s.enable or false) (lib.attrValues (redis.servers or { }));
  databasePackages = lib.optional (postgresql.enable or false) postgresql.package
    ++ lib.optional redisRuns redis.package;

  dir = d.scratchDir;
  under = prefix: dir == prefix || lib.hasPrefix "${prefix}/" dir;
  calendarOk = c: c == null || builtins.match "[^[:cntrl:]]+" c != null;
  dirWord = builtins.match "[^[:space:][:cntrl:]]+" dir != null;

  schedule = level: mkOption {
    type = types.nullOr types.str;
    default = defaults.schedule.${level};
    description = "OnCalendar of the ${level} drill (the plan's time zone is added); null = no ${level} drill.";
  };
in
{
  options.storage.drill = {
    enable = mkOption {
      type = types.bool;
      default = b.enable;
      defaultText = lib.literalExpression "config.storage.backup.enable";
      description = "Prove the backups restore: scheduled `panther drill integrity`, `restore` and `disaster` runs, each a service and timer.";
    };
    scratchDir = mkOption {
      type = types.str;
      default = defaults.scratchDir;
      description = ''
        Where a drill makes its scratch btrfs (a sparse file on a loop device, mounted in the drill's own
        mount namespace). Needs room for the largest restored subvolume; on a disk, not a tmpfs.
      '';
    };
    budgetUsd = mkOption {
      type = types.nullOr (types.either types.ints.unsigned types.float);
      default = null;
      example = 0.5;
      description = "Download budget per drill in USD (`--budget-usd`); null = the CLI's default.";
    };
    schedule = {
      integrity = schedule "integrity";
      restore = schedule "restore";
      disaster = schedule "disaster";
    };
  };

  config = lib.mkIf (cfg.enable && d.enable) (lib.mkMerge [{
    assertions = [
      {
        assertion = b.enable;
        message = "storage.drill: a drill restores from the offsite repository; enable storage.backup (repository and key) or set storage.drill.enable = false";
      }
      {
        assertion = lib.hasPrefix "/" dir && !(lib.elem ".." (lib.splitString "/" dir));
        message = "storage.drill.scratchDir = \"${dir}\" is not an absolute path; give a directory such as /var/lib/panther/drill";
      }
      {
        assertion = !(under builtins.storeDir);
        message = "storage.drill.scratchDir = ${dir} is in the Nix store, which is read-only; give a directory on a disk, such as /var/lib/panther/drill";
      }
      {
        assertion = !(lib.any under [ "/tmp" "/var/tmp" "/run" "/dev" "/proc" "/sys" ]) && dir != "/";
        message = "storage.drill.scratchDir = ${dir}: a drill writes a whole subvolume there; give a directory of its own on a disk (not /, a tmpfs, /tmp (private to the service) or a kernel file system), such as /var/lib/panther/drill";
      }
      {
        assertion = dirWord;
        message = "storage.drill.scratchDir = ${builtins.toJSON dir} contains white space or a control character; ReadWritePaths= and the command line separate words by spaces";
      }
      {
        assertion = d.budgetUsd == null || d.budgetUsd >= 0;
        message = "storage.drill.budgetUsd = ${builtins.toJSON d.budgetUsd} is not an amount of USD; give a number ≥ 0, or null for the CLI's default";
      }
      {
        assertion = lib.all calendarOk (lib.attrValues d.schedule);
        message = "storage.drill.schedule: an OnCalendar expression is one line; ${builtins.toJSON d.schedule}";
      }
    ];
  }
  # Without a repository, a window or a usable scratch path there is no unit to compute; the assertions
  # above (and storage's) say why.
  (lib.mkIf (b.enable && dirWord && lib.all calendarOk (lib.attrValues d.schedule) && storageLib.windowProblems cfg.resolvedPlan.backup == [ ]) {
    systemd.services = lib.listToAttrs (map (u: lib.nameValuePair (svc.baseName u.name) (svc.service u {
      extraArgs = [ "--plan" "/etc/panther/plan.json" ] ++ access.repoArgs;
      # The model's CapabilityBoundingSet stands (render systemd writes the same).
      capabilities = null;
      inherit (access) credentials environment;
    } // lib.optionalAttrs (databasePackages != [ ]) { path = databasePackages; })) (lib.filter (u: !svc.isTimer u) units));
    systemd.timers = lib.listToAttrs (map (u: lib.nameValuePair (svc.baseName u.name) (svc.timer u)) (lib.filter svc.isTimer units));
    # The scratch directory on the disk it names, root's; 0711 so the database servers the drill starts
    # as their data's owner can reach the restored copies below it.
    systemd.tmpfiles.rules = [ "d ${lib.replaceStrings [ "%" ] [ "%%" ] dir} 0711 root root -" ];
  })]);
}
