# Offsite backup: the nightly window's services and timers from the plan, the repository and the
# secrets. Secrets never enter the Nix store or the unit's command line: the services get them as
# systemd credentials (LoadCredential=) from the paths agenix, sops-nix or OpNix decrypt to, and panther
# reads them from $CREDENTIALS_DIRECTORY (%d).
{ config, lib, ... }:
let
  cfg = config.storage;
  b = cfg.backup;
  storageLib = import ../../../lib/storage { inherit lib; };
  svc = import ../service.nix { inherit lib cfg; };
  units = lib.filter (u: lib.hasPrefix "panther-backup" u.name) (storageLib.pantherUnits cfg.resolvedPlan);
  inherit (lib) mkOption types;
  secretPath = types.nullOr (types.either types.str types.path);
  isS3 = lib.hasPrefix "s3://" b.repository;

  # What every command that opens the repository is given; %d is the unit's credentials directory.
  inherit (import ../repo-access.nix { inherit lib b; }) credentials repoArgs environment;
  # `backup run` reads snapshots with btrfs send (SYS_ADMIN) and every user's files' metadata.
  sendCapabilities = [ "CAP_SYS_ADMIN" "CAP_DAC_READ_SEARCH" "CAP_FOWNER" ];

  secretFile = import ../secret-path.nix { inherit lib; };
  secretAssertions = name: secretFile.assertions "storage.backup.${name}" "/run/agenix/panther-passphrase";

  # An extra service/timer pair that opens the repository (prune, check).
  repoJob = { name, description, args, calendar }: {
    service = {
      description = "Panther: ${description} of ${cfg.resolvedPlan.host}";
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      wantedBy = [ ];
      settings = {
        Type = "oneshot";
        ExecStart = { pantherArgs = args; };
        StateDirectory = "panther";
        Nice = 19;
        IOSchedulingClass = "idle";
      };
    };
    timer = {
      description = "Panther: ${description} of ${cfg.resolvedPlan.host}";
      wantedBy = [ "timers.target" ];
      timerConfig = { OnCalendar = storageLib.withTimezone calendar cfg.resolvedPlan.snapshots.timezone; Persistent = true; AccuracySec = "1min"; };
    };
    inherit name;
  };
  slot = storageLib.backupSlot cfg.resolvedPlan.backup;
  jobs = lib.optional b.prune.enable (repoJob {
    name = "panther-backup-prune";
    description = "prune the offsite repository";
    args = [ "backup" "prune" "--plan" "/etc/panther/plan.json" "--wait" "3600" ];
    # After the weekend window has closed: never competing with the night's upload for the link.
    calendar = if b.prune.calendar != null then b.prune.calendar else "Sun *-*-* ${(slot "weekends").end}:00";
  }) ++ lib.optional b.check.enable (repoJob {
    name = "panther-backup-check";
    description = "check the offsite repository";
    args = [ "backup" "check" "--host" cfg.resolvedPlan.host ]
      ++ lib.optionals (b.check.readDataPercent != null) [ "--read-data" (toString b.check.readDataPercent) ];
    calendar = if b.check.calendar != null then b.check.calendar else "Wed *-*-* ${(slot "weekdays").end}:00";
  });
in
{
  options.storage.backup = {
    enable = mkOption { type = types.bool; default = false; description = "Send the snapshots offsite in the plan's nightly window."; };
    repository = mkOption {
      type = types.str;
      default = "/var/lib/panther/repo";
      example = "s3://my-bucket/fleet?region=eu-central-003&endpoint=https://s3.eu-central-003.backblazeb2.com";
      description = ''
        The repository: a directory, or s3://BUCKET[/PREFIX]?region=…&endpoint=… (Backblaze B2's S3 API).
        Create it once with `panther backup init` and keep the key material safe; the module never
        initialises a repository, since only you can store its key.
      '';
    };
    passphraseFile = mkOption {
      type = secretPath;
      default = null;
      example = "/run/agenix/panther-passphrase";
      description = "File holding the repository passphrase (outside the Nix store). Exactly one of this and identityFile.";
    };
    identityFile = mkOption {
      type = secretPath;
      default = null;
      example = "/run/agenix/panther-identity";
      description = "An age identity (AGE-SECRET-KEY-…) instead of a passphrase (outside the Nix store).";
    };
    credentialsFile = mkOption {
      type = secretPath;
      default = null;
      example = "/run/agenix/panther-b2";
      description = "B2 application key id and key, one per line (outside the Nix store). Required for s3:// repositories.";
    };
    window = {
      weekdays = mkOption { type = types.nullOr types.str; default = null; example = "02:00-05:00"; description = "Mon–Fri window \"HH:MM-HH:MM\"; null = the plan's."; };
      weekends = mkOption { type = types.nullOr types.str; default = null; example = "02:00-06:00"; description = "Sat–Sun window; null = the plan's."; };
    };
    staggerMinutes = mkOption { type = types.nullOr types.ints.unsigned; default = null; description = "Minutes after the fleet's window opens that this host starts; null = the plan's."; };
    bandwidth = mkOption {
      type = types.nullOr (types.either types.ints.positive types.str);
      default = null;
      example = "10Mbit";
      description = "Upload cap: bit/s, or \"10Mbit\", \"800kbit\", \"1.25MB/s\"; null = the plan's.";
    };
    budget = mkOption {
      type = types.nullOr (types.either types.ints.unsigned types.float);
      default = null;
      example = 3;
      description = "This host's monthly offsite budget in USD (cost forecasts and alerts); null = the plan's.";
    };
    prune = {
      enable = mkOption { type = types.bool; default = true; description = "Prune the repository by retention every week."; };
      calendar = mkOption { type = types.nullOr types.str; default = null; description = "When; null = Sunday when the weekend window closes."; };
    };
    check = {
      enable = mkOption { type = types.bool; default = true; description = "Check the repository's structure every week."; };
      calendar = mkOption { type = types.nullOr types.str; default = null; description = "When; null = Wednesday when the weekday window closes."; };
      readDataPercent = mkOption {
        type = types.nullOr (types.ints.between 1 100);
        default = null;
        description = "Also download and verify this share of the data (B2 bills downloads beyond its free allowance).";
      };
    };
  };

  config = lib.mkIf (cfg.enable && b.enable) (lib.mkMerge [{
    assertions = [
      {
        assertion = (b.passphraseFile == null) != (b.identityFile == null);
        message = "storage.backup: set exactly one of passphraseFile and identityFile (the repository's key is opened with one of them)";
      }
      {
        assertion = !isS3 || b.credentialsFile != null;
        message = "storage.backup.credentialsFile: the repository ${b.repository} is on S3/B2 and needs an application key; give the file (key id and key on two lines) your secret manager decrypts";
      }
      {
        assertion = builtins.match ".*[?&]credentials=.*" b.repository == null;
        message = "storage.backup.repository: do not name a credentials file in the URL; use storage.backup.credentialsFile (it reaches the service as a systemd credential)";
      }
    ] ++ lib.concatLists (lib.mapAttrsToList secretAssertions { inherit (b) passphraseFile identityFile credentialsFile; });
  }
  # A bad window is reported by storage's assertions; without a window there is no unit to compute.
  (lib.mkIf (storageLib.windowProblems cfg.resolvedPlan.backup == [ ]) {

    systemd.services = lib.listToAttrs (
      map (u: lib.nameValuePair (svc.baseName u.name) (svc.service u {
        extraArgs = [ "--plan" "/etc/panther/plan.json" ] ++ repoArgs;
        capabilities = sendCapabilities;
        inherit credentials environment;
      })) (lib.filter (u: !svc.isTimer u) units)
      ++ map (j: lib.nameValuePair j.name (svc.service j.service {
        extraArgs = repoArgs;
        capabilities = [ ];
        inherit credentials environment;
      })) jobs);
    systemd.timers = lib.listToAttrs (
      map (u: lib.nameValuePair (svc.baseName u.name) (svc.timer u)) (lib.filter svc.isTimer units)
      ++ map (j: lib.nameValuePair j.name j.timer) jobs);
  })]);
}
