# The snapshot, backup and drill units of a plan, as data: the same model as src/render/systemd.ts
# `pantherUnits` (test/nix-module.test.ts compares them for every host), so the NixOS module and
# `panther render systemd` run the same schedule. ExecStart is `{ pantherArgs = [ … ]; }`: the module
# adds the package path, the plan and the secrets.
{ lib, time, snapshots, backup }:
let
  inherit (lib) concatMap filter foldl';
  snapshotService = "panther-snapshot.service";

  hookSeconds = plan:
    foldl' (sum: h: sum + h.timeoutSeconds) 0
      (concatMap (pool: concatMap (s: s.hooks or [ ]) pool.subvolumes) plan.pools);

  snapshotUnit = plan: {
    name = snapshotService;
    description = "Panther: take the snapshots due now on ${plan.host}";
    wants = [ ];
    after = [ "local-fs.target" ];
    wantedBy = [ ];
    settings = {
      Type = "oneshot";
      ExecStart = { pantherArgs = [ "snapshot" "run" "--wait" "120" ]; };
      Nice = 10;
      IOSchedulingClass = "best-effort";
      IOSchedulingPriority = 7;
      # A hung run would swallow every later trigger: 10 min plus every hook's own limit.
      TimeoutStartSec = time.timeSpan (600 + hookSeconds plan);
    };
  };

  snapshotTimer = plan: tier:
    let delay = snapshots.delaySeconds tier; in
    {
      name = "panther-snapshot-${tier}.timer";
      description = "Panther: ${tier} snapshots on ${plan.host}";
      wants = [ ];
      after = [ ];
      wantedBy = [ "timers.target" ];
      settings = {
        OnCalendar = snapshots.withTimezone plan.snapshots.schedule.${tier} plan.snapshots.timezone;
        Persistent = true;
        AccuracySec = "1s";
        RandomizedDelaySec = time.timeSpan delay;
        Unit = snapshotService;
      } // lib.optionalAttrs (delay > 0) { FixedRandomDelay = true; };
    };

  backupUnits = plan: slot:
    let name = "panther-backup-${slot.window}"; in
    [
      {
        name = "${name}.service";
        description = "Panther: offsite backup of ${plan.host}, ${slot.window} window ${slot.start}-${slot.end}";
        wants = [ "network-online.target" snapshotService ];
        after = [ "network-online.target" snapshotService ];
        wantedBy = [ ];
        keepRunningOnSwitch = true;
        settings = {
          Type = "exec";
          ExecStart = { pantherArgs = [ "backup" "run" "--window" "${slot.start}-${slot.end}" ]; };
          RuntimeMaxSec = time.timeSpan slot.seconds;
          StateDirectory = "panther";
          Nice = 19;
          IOSchedulingClass = "idle";
        };
      }
      {
        name = "${name}.timer";
        description = "Panther: offsite backup of ${plan.host} in the ${slot.window} window";
        wants = [ ];
        after = [ ];
        wantedBy = [ "timers.target" ];
        settings = {
          OnCalendar = snapshots.withTimezone slot.calendar plan.snapshots.timezone;
          Persistent = false;
          AccuracySec = "1s";
          Unit = "${name}.service";
        };
      }
    ];

  # ---- restore drills (systemd.ts pantherDrillUnits; why each setting: the comments there) ----------
  drillLevels = [ "integrity" "restore" "disaster" ];
  defaultDrill = {
    scratchDir = "/var/lib/panther/drill";
    budgetUsd = null;
    schedule = {
      integrity = "Thu *-*-* 12:00:00";
      restore = "Sat *-*-01..07 12:00:00";
      disaster = "Sat *-01,04,07,10-08..14 12:00:00";
    };
  };
  drillCapabilities = [
    "CAP_SYS_ADMIN" "CAP_CHOWN" "CAP_FOWNER" "CAP_FSETID" "CAP_DAC_OVERRIDE" "CAP_DAC_READ_SEARCH"
    "CAP_MKNOD" "CAP_SETFCAP" "CAP_SETUID" "CAP_SETGID" "CAP_KILL"
  ];
  drillWhat = {
    integrity = "integrity drill (structure check and a slice of the data)";
    restore = "restore drill (newest point of every subvolume into scratch)";
    disaster = "disaster drill (restore from the repository alone)";
  };

  drillPair = plan: options: level:
    let name = "panther-drill-${level}"; in
    [
      {
        name = "${name}.service";
        description = "Panther: ${drillWhat.${level}} of ${plan.host}";
        wants = [ "network-online.target" ];
        after = [ "network-online.target" "local-fs.target" ];
        wantedBy = [ ];
        settings = {
          Type = "oneshot";
          ExecStart = {
            pantherArgs = [ "drill" level "--scratch" options.scratchDir ]
              ++ lib.optionals (options.budgetUsd != null) [ "--budget-usd" (builtins.toJSON options.budgetUsd) ];
          };
          TimeoutStartSec = "6h";
          KillMode = "control-group";
          StateDirectory = "panther";
          ReadWritePaths = "-${lib.replaceStrings [ "%" ] [ "%%" ] options.scratchDir} -/var/lib/panther/state";
          CapabilityBoundingSet = lib.concatStringsSep " " drillCapabilities;
          RestrictSUIDSGID = false;
          Nice = 19;
          IOSchedulingClass = "idle";
        };
      }
      {
        name = "${name}.timer";
        description = "Panther: ${level} drill of ${plan.host}";
        wants = [ ];
        after = [ ];
        wantedBy = [ "timers.target" ];
        settings = {
          OnCalendar = snapshots.withTimezone options.schedule.${level} plan.snapshots.timezone;
          Persistent = true;
          AccuracySec = "1min";
          RandomizedDelaySec = "1h";
          FixedRandomDelay = true;
          Unit = "${name}.service";
        };
      }
    ];

  # ---- panther serve (systemd.ts pantherServeUnit; why each setting: the comments there) ----------
  serveStateDir = "/var/lib/panther/state";
  defaultServe = {
    listen = "127.0.0.1:9720";
    allowRemote = false;
    readTokenFile = "/etc/panther/serve-read-token";
    adminTokenFile = "/etc/panther/serve-admin-token";
    fleetFile = null;
    fleetTokenFile = null;
    trustProxy = false;
  };
  serveCapabilities = [ "CAP_SYS_ADMIN" "CAP_DAC_OVERRIDE" "CAP_DAC_READ_SEARCH" "CAP_FOWNER" "CAP_CHOWN" "CAP_FSETID" ];
  noSpecifiers = lib.replaceStrings [ "%" ] [ "%%" ];

  /** The state directory, every pool's snapshot directory and the snapshotted subvolumes, except /. */
  serveWritablePaths = plan:
    [ serveStateDir ] ++ lib.unique (filter (m: m != null && m != "/") (concatMap
      (pool:
        let home = lib.findFirst (s: pool.snapshotLocation or null != null && s.name == pool.snapshotLocation.subvolume) null pool.subvolumes; in
        [ (if home == null then null else home.mountPoint) ]
        ++ map (s: s.mountPoint) (filter (s: s.snapshots or null != null) pool.subvolumes))
      plan.pools));

  pantherServeUnit = plan: options: {
    name = "panther-serve.service";
    description = "Panther: web UI and REST API of ${plan.host} on ${options.listen}";
    wants = [ "network-online.target" ];
    after = [ "network-online.target" "local-fs.target" ];
    wantedBy = [ "multi-user.target" ];
    settings = {
      Type = "simple";
      ExecStart = {
        pantherArgs = [ "serve" "--listen" options.listen "--state-dir" serveStateDir ]
          ++ lib.optional options.allowRemote "--allow-remote"
          ++ lib.optionals (options.fleetFile != null) [ "--fleet" options.fleetFile ]
          ++ lib.optional (options.trustProxy or false) "--trust-proxy";
        credentialArgs = [ [ "--read-token-file" "read-token" ] [ "--admin-token-file" "admin-token" ] ]
          ++ lib.optional ((options.fleetTokenFile or null) != null) [ "--fleet-token-file" "fleet-token" ];
      };
      LoadCredential = [ "read-token:${noSpecifiers options.readTokenFile}" "admin-token:${noSpecifiers options.adminTokenFile}" ]
        ++ lib.optional ((options.fleetTokenFile or null) != null) "fleet-token:${noSpecifiers options.fleetTokenFile}";
      Restart = "on-failure";
      RestartSec = "5s";
      StateDirectory = "panther";
      ProtectSystem = "strict";
      ReadWritePaths = lib.concatStringsSep " " (map (p: "-${noSpecifiers p}") (serveWritablePaths plan));
      CapabilityBoundingSet = lib.concatStringsSep " " serveCapabilities;
      RestrictNamespaces = true;
      ProtectKernelTunables = true;
    };
  };

  /** The drill units, a service and timer per scheduled level (options as defaultDrill). */
  pantherDrillUnits = plan: options:
    concatMap (drillPair plan options) (filter (level: options.schedule.${level} != null) drillLevels);
in
{
  inherit snapshotService drillLevels defaultDrill pantherDrillUnits defaultServe pantherServeUnit;

  /** The units of a plan, services before their timers (as pantherUnits orders them, default drills and serve). */
  pantherUnits = plan:
    let
      scheduled = filter (tier: plan.snapshots.schedule.${tier} or null != null) snapshots.scheduledTiers;
      slots = map (backup.backupSlot plan.backup) [ "weekdays" "weekends" ];
    in
    [ (snapshotUnit plan) ] ++ map (snapshotTimer plan) scheduled ++ concatMap (backupUnits plan) slots
    ++ pantherDrillUnits plan defaultDrill ++ [ (pantherServeUnit plan defaultServe) ];
}
