# The plan (`panther plan --json`) is the single source of truth; the NixOS options override single
# fields of it. `resolve` applies them and says, as warnings and problems (the module's `warnings` and
# `assertions`), where the specification's advice cannot work as written and what happens instead.
{ lib, mountOptions, backup }:
let
  inherit (lib) attrNames concatMap concatStringsSep elem filter mapAttrs optional optionals;
  subvolumeNames = plan: concatMap (pool: map (s: s.name) pool.subvolumes) plan.pools;
  quoted = name: "storage.btrfs.subvolumes.\"${name}\"";
  orElse = value: fallback: if value == null then fallback else value;
  show = list: concatStringsSep ", " (map (o: "\"${o}\"") list);

  # One subvolume with its override applied: { value; warnings; problems; }.
  overrideSubvolume = s: o:
    let
      opt = optionName: "${quoted s.name}.${optionName}";
      c = if o.mountOptions or null == null then null else mountOptions.classify o.mountOptions;
      cowFromOptions = if c == null then null else c.cow;
      cowRequest = orElse (o.cow or null) cowFromOptions;
      cow = orElse cowRequest s.cow;
      compressionRequest = orElse (o.compression or null) (if c == null then null else c.compression);
      compression = orElse compressionRequest (if cow then s.compression else "none");
      value = s // {
        inherit cow compression;
        mountOptions = if c == null then s.mountOptions else c.kept;
        requestedMountOptions = orElse (o.mountOptions or null) s.requestedMountOptions;
        backup = orElse (o.backup or null) s.backup;
      } // lib.optionalAttrs (!cow) { compressionLevel = null; };
      warnings =
        optional (cowFromOptions == false) ''
          ${opt "mountOptions"}: "nodatacow" is not a per-subvolume mount option: btrfs applies it to the whole filesystem from whichever subvolume mounts first (NOTES 1). Panther makes ${s.name} no-CoW the way that works: chattr +C on its empty root (disko postCreateHook) and again at every boot (tmpfiles), so files created there are not copied on write, not checksummed and not compressed. Write `cow = false;` instead of the mount option to say so without this warning.''
        ++ optional (c != null && c.compressOption != null && c.compression != null) ''
          ${opt "mountOptions"}: "${c.compressOption}" is filesystem-wide: the first mount's compress= applies to every subvolume of the pool (NOTES 1). Panther sets the algorithm (${c.compression}) on ${s.name} as its btrfs.compression property; the level stays the pool's filesystem-wide option (set it in the plan's filesystemOptions). Write `compression = "${c.compression}";` instead to silence this warning.''
        ++ optional (c != null && c.ignored != [ ]) ''
          ${opt "mountOptions"}: ${show c.ignored} apply to the whole filesystem, not one subvolume (NOTES 1), so they are dropped here; put them in the plan's filesystemOptions of the pool (panther plan --profiles) if you want them.'';
      problems =
        optional (c != null && c.unknown != [ ])
          "${opt "mountOptions"}: ${show c.unknown} are not btrfs or mount(8) options; remove them (see btrfs(5) MOUNT OPTIONS)"
        ++ optional (c != null && c.compressOption != null && c.compression == null)
          "${opt "mountOptions"}: \"${c.compressOption}\" is not a valid compression; use zstd[:1..15], zlib[:1..9], lzo or no"
        ++ optional (o.cow or null != null && cowFromOptions != null && o.cow != cowFromOptions)
          "${quoted s.name}: cow = ${lib.boolToString o.cow} contradicts mountOptions ${if cowFromOptions then "\"datacow\"" else "\"nodatacow\""}; keep one of them"
        ++ optional (!cow && compressionRequest != null && compressionRequest != "none")
          "${quoted s.name}: compression \"${compressionRequest}\" on a no-CoW subvolume cannot work: btrfs neither compresses nor checksums no-CoW files (NOTES 1). Either keep copy-on-write (drop \"nodatacow\" / cow = false) or set compression = \"none\""
        ++ optional (cow && s.swapfile != null)
          "${quoted s.name}: holds the swapfile, which must be no-CoW (the kernel refuses to swap on a CoW file); drop cow = true / \"datacow\"";
    in
    { inherit value warnings problems; };

  # What disko and the units paste into shell scripts, mount options and tmpfiles lines (the CLI's render
  # guard, src/render/guard.ts): a hand-edited plan.json gets the same refusals, as assertions.
  unquotedChars = { name = "[A-Za-z0-9@._+/-]+"; option = "[A-Za-z0-9_@%+=:./-]+"; label = "[A-Za-z0-9@._+-]+"; };
  safe = kind: value: builtins.isString value && builtins.match unquotedChars.${kind} value != null && !(lib.hasPrefix "-" value);
  safePath = value: builtins.isString value && builtins.match "/[^[:space:]\"$`\\]*" value != null;
  planProblems = plan:
    concatMap
      (pool:
        let at = "${toString pool.name or "?"}"; in
        optional (!(safe "label" (pool.label or ""))) "plan.json pool ${at}: label ${builtins.toJSON (pool.label or null)} may only use A-Z a-z 0-9 @ . _ + -; re-plan with `panther plan`"
        ++ optional (!(safePath (pool.device or ""))) "plan.json pool ${at}: device ${builtins.toJSON (pool.device or null)} is not an absolute path without spaces or quotes"
        ++ map (o: "plan.json pool ${at}: filesystem option ${builtins.toJSON o} may only use A-Z a-z 0-9 _ @ % + = : . / -") (filter (o: !(safe "option" o)) (pool.filesystemOptions or [ ]))
        ++ concatMap
          (s:
            let where = "plan.json ${at}/${toString s.name}"; in
            optional (!(safe "name" s.name) || lib.any (seg: elem seg [ "" "." ".." ]) (lib.splitString "/" s.name))
              "${where}: subvolume name may only use A-Z a-z 0-9 @ . _ + - / in plain segments; rename it in the plan"
            ++ optional (s.mountPoint != null && !(safePath s.mountPoint))
              "${where}: mount point ${builtins.toJSON s.mountPoint} must be an absolute path without spaces, quotes, $, ` or \\"
            ++ optional (!(elem s.compression [ "zstd" "lzo" "zlib" "none" ])) "${where}: compression ${builtins.toJSON s.compression} is not zstd, lzo, zlib or none"
            ++ map (o: "${where}: mount option ${builtins.toJSON o} may only use A-Z a-z 0-9 _ @ % + = : . / -") (filter (o: !(safe "option" o)) s.mountOptions))
          (pool.subvolumes or [ ]))
      plan.pools;

  retentionOf = tiers: retention:
    if tiers == null then null
    else tiers // mapAttrs (tier: n: orElse n tiers.${tier}) (lib.filterAttrs (tier: _: tiers ? ${tier}) retention);
in
rec {
  inherit subvolumeNames;

  /** The plan file, checked to be one: a wrong file is a clear error, not a missing attribute later. */
  readPlan = file:
    if file == null then throw "storage.planFile is not set: give the host's plan, e.g. storage.planFile = ./plan.json; (write it with `panther plan --json --out plan.json`)"
    else let plan = builtins.fromJSON (builtins.readFile file); in
    if !(builtins.isAttrs plan) || plan.version or null != 1 || !(plan ? pools) || !(plan ? host)
    then throw "storage.planFile: ${toString file} is not a panther plan of version 1; write it with `panther plan --json --out FILE`"
    else plan;

  /**
    plan + overrides → { plan; warnings; problems; }. overrides = { subvolumes.<name> = { mountOptions,
    cow, compression, backup }; retention = { daily, … }; timezone; backup = { window.{weekdays,weekends},
    staggerMinutes, bandwidth, budget }; } with null meaning "as the plan says".
  */
  resolve = plan: overrides:
    let
      subs = overrides.subvolumes or { };
      unknown = filter (n: !(elem n (subvolumeNames plan))) (attrNames subs);
      results = map (pool: map (s: overrideSubvolume s (subs.${s.name} or { })) pool.subvolumes) plan.pools;
      retention = overrides.retention or { };
      b = overrides.backup or { };
      bandwidth = if b.bandwidth or null == null then plan.backup.bandwidthBitsPerSecond else backup.bandwidthBits b.bandwidth;
      policy = plan.backup // {
        window = {
          weekdays = orElse (b.window.weekdays or null) plan.backup.window.weekdays;
          weekends = orElse (b.window.weekends or null) plan.backup.window.weekends;
        };
        staggerMinutes = orElse (b.staggerMinutes or null) plan.backup.staggerMinutes;
        bandwidthBitsPerSecond = if bandwidth == null then plan.backup.bandwidthBitsPerSecond else bandwidth;
        monthlyBudgetUsd = orElse (b.budget or null) plan.backup.monthlyBudgetUsd;
      };
      pools = lib.zipListsWith
        (pool: rs: pool // { subvolumes = map (r: r.value // { snapshots = retentionOf r.value.snapshots retention; }) rs; })
        plan.pools results;
      flat = lib.flatten results;
    in
    {
      plan = plan // {
        inherit pools;
        backup = policy;
        snapshots = plan.snapshots // { timezone = orElse (overrides.timezone or null) plan.snapshots.timezone; };
      };
      warnings = concatMap (r: r.warnings) flat;
      problems =
        planProblems plan
        ++ map (n: "${quoted n}: the plan of ${plan.host} has no subvolume ${n}; it has ${show (subvolumeNames plan)}") unknown
        ++ concatMap (r: r.problems) flat
        ++ optional (bandwidth == null) "storage.backup.bandwidth: \"${toString b.bandwidth}\" is not a rate; write bit/s as a number or e.g. \"10Mbit\", \"800kbit\", \"1.25MB/s\""
        ++ backup.windowProblems policy;
    };
}
