# One panther unit of the model (lib/storage/units.nix) → NixOS systemd.services / systemd.timers
# entries, with the packaged CLI, the plan passed explicitly, the secrets as systemd credentials and
# the hardening every panther service shares. A function, not a module: snapshots/, backup/ and drill/ use it.
{ lib, cfg }:
let
  inherit (lib) optionalAttrs;

  # Values of serviceConfig/timerConfig are written verbatim into the unit; ExecStart words here are
  # panther's own arguments and store paths, with % and $ escaped for systemd.
  # `{ raw = "%d/passphrase"; }` is a word whose specifier is meant (the credentials directory).
  execWord = w:
    if builtins.isAttrs w then w.raw
    else if builtins.match "[^[:space:]\"'\\;]+" w == null
    then throw "panther: ${builtins.toJSON w} cannot be one word of a systemd command line; use a value without spaces, quotes, backslashes or semicolons"
    else lib.replaceStrings [ "%" "$" ] [ "%%" "$$" ] w;

  # Hardening shared by every panther service. Not ProtectSystem=strict: snapshots, restores and a local
  # repository write to the data file systems, which "full" (read-only /usr, /boot, /efi, /etc) leaves
  # writable. Not MemoryDenyWriteExecute: Node's JIT needs W+X pages. Not PrivateDevices: btrfs device
  # statistics read the pool's block devices.
  hardening = {
    ProtectSystem = "full";
    PrivateTmp = true;
    NoNewPrivileges = true;
    ProtectKernelModules = true;
    ProtectKernelLogs = true;
    ProtectControlGroups = true;
    ProtectClock = true;
    ProtectHostname = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    LockPersonality = true;
    SystemCallArchitectures = "native";
    RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" ];
    UMask = "0077";
    # /run/panther holds the host lock every panther service shares; keep it when one of them stops.
    RuntimeDirectory = "panther";
    RuntimeDirectoryPreserve = "yes";
  };
in
rec {
  inherit hardening execWord;

  /**
    A service entry for a unit of the model. `extraArgs`: appended to panther's arguments;
    `capabilities`: the bounding set (null = not restricted); `credentials`: { name = path; } for LoadCredential.
  */
  service = unit: { extraArgs ? [ ], capabilities, credentials ? { }, environment ? { }, extraConfig ? { } }:
    let
      settings = unit.settings;
      # `[ flag name ]` credential arguments: `flag %d/name` (systemd.ts credentialWords).
      credentialWords = lib.concatMap (a: [ (builtins.elemAt a 0) { raw = "%d/${builtins.elemAt a 1}"; } ]) (settings.ExecStart.credentialArgs or [ ]);
      exec = settings.ExecStart.pantherArgs ++ credentialWords ++ extraArgs;
    in
    {
      inherit (unit) description wants after wantedBy;
      # Monitoring off: the runs send no datagram at all.
      environment = environment // cfg.monitoring.environment
        // optionalAttrs (!cfg.monitoring.enable) { PANTHER_METRICS = "off"; };
      # The model's settings win over the shared hardening: a unit that needs one relaxed says so in
      # the model (the drills' RestrictSUIDSGID=false), and `render systemd` writes the same value.
      serviceConfig = hardening // builtins.removeAttrs settings [ "ExecStart" ] // {
        ExecStart = lib.concatStringsSep " " ([ "${cfg.package}/bin/panther" ] ++ map execWord exec);
        LoadCredential = (settings.LoadCredential or [ ]) ++ lib.mapAttrsToList (name: path: "${name}:${toString path}") credentials;
      } // optionalAttrs (capabilities != null) {
        # An empty list would write no line at all (= every capability); "" is the empty set.
        CapabilityBoundingSet = if capabilities == [ ] then "" else capabilities;
      } // extraConfig;
    }
    // optionalAttrs (unit.keepRunningOnSwitch or false) { restartIfChanged = false; }
    // optionalAttrs (cfg.monitoring.onFailure != [ ]) { onFailure = cfg.monitoring.onFailure; };

  timer = unit: {
    inherit (unit) description wantedBy;
    timerConfig = unit.settings;
  };

  /** name without its suffix: "panther-snapshot.service" → "panther-snapshot". */
  baseName = name: lib.removeSuffix ".timer" (lib.removeSuffix ".service" name);
  isTimer = unit: lib.hasSuffix ".timer" unit.name;
}
