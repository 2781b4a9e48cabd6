# The snapshot and backup units of a plan, as data: the same model as src/render/systemd.ts
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
in
{
  inherit snapshotService;

  /** The units of a plan, services before their timers (as pantherUnits orders them). */
  pantherUnits = plan:
    let
      scheduled = filter (tier: plan.snapshots.schedule.${tier} or null != null) snapshots.scheduledTiers;
      slots = map (backup.backupSlot plan.backup) [ "weekdays" "weekends" ];
    in
    [ (snapshotUnit plan) ] ++ map (snapshotTimer plan) scheduled ++ concatMap (backupUnits plan) slots;
}
