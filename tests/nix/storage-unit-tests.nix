# The specification's unit tests ("Testing Strategy", nix-unit), in the nix-unit format
# `{ testName = { expr; expected; }; }`, run with `lib.debug.runTests` by the flake's
# checks.storage-unit-tests and by `npm test` (test/integration/nix-unit.test.ts).
# Where the specification's expectation is technically wrong, the test checks what we do instead and
# says which NOTES item explains it (docs/DECISIONS.md):
# - "database subvolumes have nodatacow" / "nix uses nodatacow": no-CoW is a file attribute set with
#   chattr +C, never a mount option (NOTES 1), and /nix keeps copy-on-write (NOTES 2).
#
# Arguments: lib = nixpkgs lib; storage = lib/storage; fixtures = test/fixtures/facter;
# plans = { zephyrus = <plan>; … } as `panther plan --json` writes them (zephyrus with databases).
{ lib, storage, fixtures, plans }:
let
  inherit (lib) all any elem filter hasPrefix hasInfix;
  sub = host: name: storage.subvolume plans.${host} name;
  disko = host: storage.diskoDevices plans.${host};
  hookOf = host: pool: (disko host).disk.${pool}.content.partitions.root.content.postCreateHook;
  subvolumesOf = host: pool: (disko host).disk.${pool}.content.partitions.root.content.subvolumes;
  noCowByAttribute = host: name:
    let s = sub host name; in
    !s.cow && hasInfix "chattr +C \"$top\"/'${name}'" (hookOf host s.pool)
    && !(elem "nodatacow" (storage.mountOptionsOf plans.${host} name));
  uncompressed = host: name:
    let s = sub host name; in
    s.compression == "none" && !(hasInfix "property set \"$top\"/'${name}' compression" (hookOf host s.pool));
  # 1. Hardware detection: the spec's three hosts (and the other reports) from their facter reports.
  detection = import ./detection-tests.nix { inherit lib fixtures; detect = storage; };
in
detection // {
  # 2. Subvolume layout
  testLaptopRequiredSubvolumesExist = {
    expr = builtins.attrNames (lib.getAttrs [ "@" "@home" "@nix" ] (subvolumesOf "zephyrus" "primary"));
    expected = [ "@" "@home" "@nix" ];
  };
  testServerRequiredSubvolumesExist = {
    expr = all (n: (subvolumesOf "hetzner" "primary") ? ${n}) [ "@" "@home" "@nix" "@postgresql" "@redis" "@log" "@swap" ];
    expected = true;
  };
  testDualNvmeHasTwoPools = {
    expr = builtins.attrNames (disko "zephyrus").disk;
    expected = [ "primary" "secondary" ];
  };
  testDatabaseSubvolumesNoCowByAttribute = {
    expr = map (noCowByAttribute "hetzner") [ "@postgresql" "@redis" ];
    expected = [ true true ];
  };

  # 3. Mount options (NOTES 1: no-CoW and compression are attributes; compress= is pool-wide)
  testDatabasesNoCowAndUncompressed = {
    expr = map (n: noCowByAttribute "hetzner" n && uncompressed "hetzner" n) [ "@postgresql" "@redis" ];
    expected = [ true true ];
  };
  testLaptopDatabasesNoCowAndUncompressed = {
    expr = map (n: noCowByAttribute "zephyrus" n && uncompressed "zephyrus" n) [ "@postgresql" "@redis" ];
    expected = [ true true ];
  };
  testContainersNoCow = {
    expr = map (h: noCowByAttribute h "@containers") [ "zephyrus" "hetzner" "contabo" ];
    expected = [ true true true ];
  };
  testNixKeepsCow = {
    # NOTES 2: /nix is written once and read often; CoW keeps its checksums and compression.
    expr = map (h: (sub h "@nix").cow && (sub h "@nix").compression == "zstd") [ "zephyrus" "yoga" "hetzner" ];
    expected = [ true true true ];
  };
  testNoNodatacowMountOptionAnywhere = {
    expr = any (h: any (pool: any (s: elem "nodatacow" (storage.mountOptionsOf plans.${h} s.name)) pool.subvolumes) plans.${h}.pools)
      (builtins.attrNames plans);
    expected = false;
  };
  testCompressionIsPoolWide = {
    expr = storage.mountOptionsOf plans.zephyrus "@home";
    expected = [ "compress=zstd:3" "noatime" ];
  };

  # 4. Snapshot policy
  testLaptopRetention = { expr = storage.snapshotPolicy "laptop"; expected = { daily = 7; weekly = 4; monthly = 12; }; };
  testServerRetention = { expr = storage.snapshotPolicy "server"; expected = { daily = 30; weekly = 12; monthly = 12; }; };
  testLaptopPlanKeepsSevenDaily = {
    expr = lib.unique (map (s: { inherit (s.snapshots) daily weekly monthly; })
      (filter (s: s.snapshots != null) (lib.concatMap (p: p.subvolumes) plans.yoga.pools)));
    expected = [ { daily = 7; weekly = 4; monthly = 12; } ];
  };
  testServerPlanKeepsThirtyDaily = {
    expr = lib.unique (map (s: { inherit (s.snapshots) daily weekly monthly; })
      (filter (s: s.snapshots != null) (lib.concatMap (p: p.subvolumes) plans.hetzner.pools)));
    expected = [ { daily = 30; weekly = 12; monthly = 12; } ];
  };

  # 5. Backup schedule: off-peak, inside 02:00-05:00, hosts staggered
  testBackupWindowOffPeak = {
    expr = map (h: hasPrefix "02:" (storage.backupSlot plans.${h}.backup "weekdays").start) [ "zephyrus" "yoga" "hetzner" "contabo" "ovh" ];
    expected = [ true true true true true ];
  };
  testBackupWindowsStaggered = {
    expr = lib.length (lib.unique (map (h: (storage.backupSlot plans.${h}.backup "weekdays").start) [ "yoga" "hetzner" "contabo" "ovh" ]));
    expected = 4;
  };
  testBackupTimerCalendar = {
    expr = (storage.backupSlot plans.ovh.backup "weekdays").calendar;
    expected = "Mon..Fri *-*-* 02:40:00";
  };
  testBackupEndsBeforeFive = {
    expr = (storage.backupSlot plans.hetzner.backup "weekdays").end;
    expected = "05:00";
  };
  # Restore drills: a service + timer per level, at midday on days without check (Wed) or prune (Sun).
  testDrillTimers = {
    expr = map (u: u.settings.OnCalendar) (lib.filter (u: lib.hasSuffix ".timer" u.name) (storage.pantherDrillUnits plans.hetzner storage.defaultDrill));
    expected = [ "Thu *-*-* 12:00:00" "Sat *-*-01..07 12:00:00" "Sat *-01,04,07,10-08..14 12:00:00" ];
  };
  testDrillLevelOff = {
    expr = map (u: u.name) (storage.pantherDrillUnits plans.ovh (storage.defaultDrill // { schedule = storage.defaultDrill.schedule // { integrity = null; disaster = null; }; }));
    expected = [ "panther-drill-restore.service" "panther-drill-restore.timer" ];
  };
  testDrillBudgetArgument = {
    expr = (lib.head (storage.pantherDrillUnits plans.ovh (storage.defaultDrill // { budgetUsd = 0.25; }))).settings.ExecStart.pantherArgs;
    expected = [ "drill" "integrity" "--scratch" "/var/lib/panther/drill" "--budget-usd" "0.25" ];
  };
}
