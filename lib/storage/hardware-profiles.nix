# Hardware-profile detection over a nixos-facter report, in pure Nix: a port of the TypeScript
# detector (src/facter/{parse,machine,disks,fit,detect}.ts), which stays the reference. The profiles'
# `match` data comes from src/plan/profiles.json (the caller passes its `profiles` list); nothing about
# a profile is typed here.
#
# The rule of the port: a confident wrong answer formats the wrong disks, so wherever Nix cannot
# reproduce the TypeScript result exactly it refuses (profile = null, with a reason) rather than guess.
# Refused here although the CLI may answer:
#   - vendor, virtualisation or bus names, or a profile's providers, with non-ASCII characters
#     (JavaScript's Unicode case mapping folds e.g. the Kelvin sign to "k"; nixpkgs' toLower is ASCII-only);
#   - a disk size of 2^53 bytes or more (JavaScript numbers and Nix integers part ways there);
#   - a disk attached to a controller index that two hardware classes claim, one USB and one not
#     (the CLI takes the class that comes last in the JSON, an order a Nix attrset does not keep).
# test/nix-detect.test.ts runs both detectors over every fixture report and fails on any disagreement.
#
# `report` is the parsed facter JSON: `builtins.fromJSON (builtins.readFile ./facter.json)`.
{ lib, profiles }:
let
  inherit (builtins) isAttrs isList isString isInt isFloat isBool match elem length head filter any all
    substring stringLength;
  inherit (lib) hasPrefix hasSuffix hasInfix toLower toUpper optional findFirst concatStringsSep;

  pin = "pin this host in an inventory and run `panther plan --inventory FILE --host NAME`";

  # ---- reading loosely typed JSON (src/facter/raw.ts) ---------------------------------------------

  isNumber = v: isInt v || isFloat v;
  orElse = a: b: if a != null then a else b;

  # JavaScript's String.prototype.trim whitespace; fromJSON because Nix strings have no \v, \f or \u escapes.
  jsWhitespace = builtins.fromJSON ''[" ", "\t", "\n", "\u000b", "\f", "\r", "\u00a0", "\u1680", "\u2000",
    "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a",
    "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"]'';
  trim = s:
    let
      lead = findFirst (w: hasPrefix w s) null jsWhitespace;
      tail = findFirst (w: hasSuffix w s) null jsWhitespace;
    in
    if lead != null then trim (lib.removePrefix lead s)
    else if tail != null then trim (lib.removeSuffix tail s)
    else s;

  # A non-blank string, trimmed; else null.
  str = v: let t = if isString v then trim v else ""; in if t != "" then t else null;
  strings = v: if isList v then filter isString v else [ ];
  # IDs are { hex?, name?, value } objects, or plain strings for hwinfo's "special" IDs.
  idName = id: if isString id then str id else if isAttrs id then str (id.name or null) else null;
  idValue = id: if isAttrs id && isNumber (id.value or null) then id.value else null;

  # Printable ASCII plus tab/newline/CR: strings the port case-folds must be in it (see the header).
  isAscii = s: match "[\t\n\r -~]*" s != null;

  # One decimal, for reasons only (nothing compares these texts with the CLI's).
  gb = bytes: let tenths = (bytes + 50000000) / 100000000; in "${toString (tenths / 10)}.${toString (lib.mod tenths 10)} GB";
  diskList = disks: concatStringsSep ", " (map (d: "${d.device} ${gb d.sizeBytes}") disks);

  # ---- the report's declared shape (src/facter/schema.ts) ------------------------------------------
  # The CLI refuses a report whose fields it reads have the wrong type; so does this, as a refusal.

  check = where: obj: key: pred: what:
    optional (obj ? ${key} && !(pred obj.${key})) "${where}${key} is not ${what}";
  stringList = v: isList v && all isString v;

  diskShape = i: d:
    let where = "hardware.disk[${toString i}]"; p = "${where}."; in
    if !isAttrs d then [ "${where} is not an object" ]
    else check p d "index" isNumber "a number" ++ check p d "attached_to" isNumber "a number"
      ++ check p d "class_list" stringList "a list of strings" ++ check p d "model" isString "a string"
      ++ check p d "sysfs_id" isString "a string" ++ check p d "sysfs_device_link" isString "a string"
      ++ check p d "unix_device_name" isString "a string"
      ++ check p d "unix_device_names" stringList "a list of strings" ++ check p d "driver" isString "a string"
      ++ check p d "drivers" stringList "a list of strings" ++ check p d "module_alias" isString "a string"
      ++ check p d "resources" isList "a list";

  shapeProblems = report:
    if !isAttrs report then [ "not a JSON object; is this a nixos-facter report?" ]
    else if isList (report.hardware or null) then [ "\"hardware\" is a flat array: a pre-release (spike) nixos-facter report, not supported" ]
    else if !isAttrs (report.hardware or null) then [ "no \"hardware\" object; is this a nixos-facter report?" ]
    else
      check "" report "version" isNumber "a number" ++ check "" report "system" isString "a string"
      ++ check "" report "virtualisation" isString "a string" ++ check "" report "uefi" isAttrs "an object"
      ++ (if isAttrs (report.uefi or null) then check "uefi." report.uefi "supported" isBool "a boolean" else [ ])
      ++ check "" report "smbios" isAttrs "an object"
      ++ check "hardware." report.hardware "disk" isList "a list"
      ++ (if isList (report.hardware.disk or null) then lib.concatLists (lib.imap0 diskShape report.hardware.disk) else [ ]);

  # ---- what kind of machine (src/facter/machine.ts) -------------------------------------------------
  # hardware.system.form_factor is ignored on purpose: hwinfo calls anything with a battery driver a laptop.

  hypervisors = [ "kvm" "amazon" "qemu" "bochs" "xen" "uml" "vmware" "oracle" "microsoft" "zvm" "parallels"
    "bhyve" "qnx" "acrn" "powervm" "power_vm" "apple" "sre" "google" "vm_other" ];
  containers = [ "systemd_nspawn" "lxc_libvirt" "lxc" "openvz" "docker" "podman" "rkt" "wsl" "proot" "pouch"
    "container_other" ];
  isContainer = virt: virt != null && elem virt containers;
  isHypervisor = virt: virt != null && elem virt hypervisors;

  # SMBIOS chassis types (DMTF DSP0134 7.4.1); 30-32 (tablet, convertible, detachable) are portable too.
  laptopChassis = [ 8 9 10 11 14 30 31 32 ];
  desktopChassis = [ 3 4 5 6 7 13 15 16 24 35 36 ];
  serverChassis = [ 17 23 25 28 ];

  # /\bovh/i: "ovh" at the start or after a character that is not [A-Za-z0-9_] (v is lower-cased).
  ovhAtWordStart = v:
    let
      pieces = filter isString (builtins.split "ovh" v);
      wordEnd = p: match "[a-z0-9_]" (substring (stringLength p - 1) 1 p) != null;
    in
    any (x: x) (lib.imap0 (k: p: (k == 0 && p == "") || (p != "" && !wordEnd p)) (lib.init pieces));

  # SMBIOS strings that name a cloud VM even when `virtualisation` says "none" (v0.4.4+ without
  # systemd-detect-virt). Hetzner needs the product too: its dedicated servers also say "Hetzner".
  # v and p are lower-cased; JavaScript's /i never folds non-ASCII into these ASCII patterns either.
  cloudVendors = [
    { name = "Hetzner Cloud"; test = v: p: hasInfix "hetzner" v && hasInfix "vserver" p; }
    { name = "netcup"; test = v: _: hasInfix "netcup" v; }
    { name = "DigitalOcean"; test = v: _: hasInfix "digitalocean" v; }
    { name = "Linode"; test = v: _: hasInfix "linode" v; }
    { name = "Vultr"; test = v: _: hasInfix "vultr" v; }
    { name = "OpenStack"; test = v: p: hasInfix "openstack" v || hasInfix "openstack nova" p; }
    { name = "Contabo"; test = v: _: hasInfix "contabo" v; }
    { name = "OVH"; test = v: _: ovhAtWordStart v; }
  ];

  machineOf = report:
    let
      smbios = if isAttrs (report.smbios or null) then report.smbios else { };
      system = if isAttrs (smbios.system or null) then smbios.system else { };
      virtRaw = str (report.virtualisation or null);
      virtualisation = if virtRaw == null then null else builtins.replaceStrings [ "-" ] [ "_" ] (toLower virtRaw);
      vendor = orElse (str (system.manufacturer or null)) (idName (system.manufacturer or null));
      product = str (system.product or null);
      # smbios.chassis is one object before facter v0.3.3 and a list from then on; the first type wins.
      chassisList = if isList (smbios.chassis or null) then smbios.chassis else [ (smbios.chassis or null) ];
      chassisTypes = filter (v: v != null) (map (c: if isAttrs c then idValue (c.chassis_type or null) else null) chassisList);
      chassisType = if chassisTypes == [ ] then null else head chassisTypes;
      cloud = findFirst (c: c.test (toLower (orElse vendor "")) (toLower (orElse product ""))) null cloudVendors;
      chassisWhat = "SMBIOS chassis type ${toString chassisType}";
      classified =
        if isContainer virtualisation then { kind = "unknown"; reason = "container (${virtualisation}): never plan partitions from inside a container"; }
        else if isHypervisor virtualisation then { kind = "vps"; reason = "virtual machine (virtualisation ${virtualisation})"; }
        else if cloud != null then { kind = "vps"; reason = "SMBIOS names a cloud provider (${cloud.name}) although virtualisation is ${orElse virtualisation "absent"}"; }
        else if chassisType != null then
          (if elem chassisType laptopChassis then { kind = "laptop"; reason = chassisWhat; }
          else if elem chassisType desktopChassis then { kind = "desktop"; reason = chassisWhat; }
          else if elem chassisType serverChassis then { kind = "server"; reason = "${chassisWhat} on bare metal"; }
          else { kind = "unknown"; reason = "${chassisWhat} says nothing about the kind of machine"; })
        else {
          kind = "unknown";
          reason = (if smbios == { } then "SMBIOS is empty (usual on aarch64 boards)" else "no SMBIOS chassis type") + " and not virtualised";
        };
      # Strings JavaScript would case-fold with Unicode rules (see the header).
      unfoldable = filter (s: s != null && !isAscii s) [ virtRaw vendor ];
    in
    classified // {
      inherit virtualisation vendor product chassisType;
      problems = map (s: "SMBIOS vendor or virtualisation ${builtins.toJSON s} has non-ASCII characters: Nix cannot compare it as the CLI does") unfoldable;
    };

  # ---- disks (src/facter/disks.ts) ------------------------------------------------------------------

  minDiskBytes = 1000000000;
  maxSafeInteger = 9007199254740991; # 2^53 - 1, JavaScript's Number.MAX_SAFE_INTEGER

  # Kernel names that are never disks to install on, whatever their size.
  notDisks = [
    { re = "zram[0-9]+"; why = "zram (compressed swap in RAM), not a disk"; }
    { re = "ram[0-9]+"; why = "RAM disk, not a disk"; }
    { re = "zd[0-9]+"; why = "ZFS zvol (a volume inside a ZFS pool), not a physical disk"; }
    { re = "loop[0-9]+"; why = "loop device (a file attached as a disk)"; }
    { re = "fd[0-9]+"; why = "floppy drive"; }
    { re = "sr[0-9]+"; why = "optical drive"; }
    { re = "mmcblk[0-9]+boot[0-9]+"; why = "eMMC boot partition, not a disk"; }
    { re = "mmcblk[0-9]+rpmb"; why = "eMMC replay-protected memory block, not a disk"; }
    { re = "(md[0-9]+|dm-[0-9]+|bcache[0-9]+|nbd[0-9]+)"; why = "virtual block device (RAID, device-mapper, bcache or network)"; }
  ];
  sasDrivers = [ "mpt3sas" "mpt2sas" "megaraid_sas" "smartpqi" "hpsa" "aacraid" ];

  # A JSON number that is a whole number JavaScript holds exactly, as a Nix integer; else null.
  safeInt = v:
    if isInt v then (if v >= 0 - maxSafeInteger && v <= maxSafeInteger then v else null)
    else if isFloat v && v == builtins.floor v && v >= 0 - maxSafeInteger && v <= maxSafeInteger then builtins.floor v
    else null;

  # true / false, or null when classes disagree about the entry with that index (see the header).
  parentIsUsb = hardware: index:
    let
      classes = lib.concatLists (lib.mapAttrsToList (cls: list:
        if isList list && any (e: isAttrs e && isNumber (e.index or null) && e.index == index) list then [ cls ] else [ ]) hardware);
      usb = map (c: c == "usb_controller" || c == "usb") classes;
    in
    if all (x: x) usb && usb != [ ] then true else if any (x: x) usb then null else false;

  # One hardware.disk[] entry → { disk } | { ignored } | { error }.
  readDisk = ctx: i: e:
    let
      where = "hardware.disk[${toString i}]";
      names = strings (e.unix_device_names or null);
      model = orElse (str (e.model or null)) (orElse (idName (e.device or null)) "");
      drivers = filter (d: d != null) ([ (str (e.driver or null)) ] ++ strings (e.drivers or null));
      classList = strings (e.class_list or null);
      parent = if isNumber (e.attached_to or null) then parentIsUsb ctx.hardware e.attached_to else false;
      ownUsb = elem "usb" classList || elem "usb-storage" drivers || elem "uas" drivers
        || hasInfix "/usb" (orElse (str (e.sysfs_device_link or null)) "")
        || any (n: hasPrefix "/dev/disk/by-id/usb-" n || (hasPrefix "/dev/disk/by-path/" n && hasInfix "-usb-" n)) names
        || hasPrefix "usb:" (orElse (str (e.module_alias or null)) "");
      usb = ownUsb || parent == true;
      usbUnclear = !ownUsb && parent == null;

      # The kernel name comes from sysfs_id; older entries fall back to a plain /dev node, never /dev/root.
      sysfs = str (e.sysfs_id or null);
      node = orElse (str (e.unix_device_name or null))
        (findFirst (n: match "/dev/[^/]+" n != null && n != "/dev/root") null names);
      name = if sysfs != null then lib.last (lib.splitString "/" sysfs)
        else if node != null then substring 5 (stringLength node) node else null;
      block = if sysfs != null then hasPrefix "/class/block/" sysfs else node != null;
      device = "/dev/${name}";
      notDisk = findFirst (n: match n.re name != null) null notDisks;

      resources = if isList (e.resources or null) then e.resources else [ ];
      size = findFirst (r: isAttrs r && (r.type or null) == "size") null resources;
      sectors = safeInt (size.value_1 or null);
      sectorSize = safeInt (if (size.value_2 or null) == null then 512 else size.value_2);
      sizeValid = sectors != null && sectors >= 0 && sectorSize != null && sectorSize > 0;
      bytes = sectors * sectorSize;
      labels = map (lib.removePrefix "/dev/disk/by-label/") (filter (hasPrefix "/dev/disk/by-label/") names);

      bus = orElse (idName (e.bus_type or null)) "";
      busUpper = toUpper bus;
      transport =
        if usb then "usb"
        else if match "nvme[0-9]+n[0-9]+" name != null || busUpper == "NVME" || elem "nvme" classList then "nvme"
        else if match "mmcblk[0-9]+" name != null then "mmc"
        else if match "vd[a-z]+" name != null || elem "virtio_blk" drivers then "virtio-blk"
        else if elem "virtio_scsi" drivers then "virtio-scsi"
        else if busUpper == "SAS" || any (d: elem d drivers) sasDrivers then "sas"
        # hwinfo names libata's bus "IDE" (133) for SATA disks too.
        else if busUpper == "IDE" || idValue (e.bus_type or null) == 133 || elem "ahci" drivers || elem "ata_piix" drivers
          || elem "ide" classList then "sata"
        else "other";
    in
    if name == null || !block then { ignored = { device = where; reason = "entry without a block device"; }; }
    else if notDisk != null then { ignored = { inherit device; reason = notDisk.why; }; }
    else if usbUnclear then { error = "${where} (${device}): attached to an index two hardware classes claim; the CLI decides by JSON order"; }
    else if size != null && !sizeValid then { error = "${where} (${device}): \"size\" resource is not a sector count and sector size; pass --disk-size to panther or fix the report"; }
    else if size == null then
      (if isContainer ctx.virtualisation then { ignored = { inherit device; reason = "no size: seen from inside a container, the host's disk"; }; }
      else if usb then { ignored = { inherit device; reason = "removable USB device with no medium"; }; }
      else { error = "${where} (${device}) has no \"size\" resource: cannot tell how big the disk is; pass --disk-size to panther or fix the report"; })
    else if sectors > maxSafeInteger / sectorSize then { error = "${where} (${device}): size ${toString sectors} × ${toString sectorSize} bytes is beyond what Nix compares exactly"; }
    else if bytes < minDiskBytes then { ignored = { inherit device; reason = "too small to install on (< 1 GB)"; }; }
    else if !usb && !isAscii bus then { error = "${where} (${device}): bus name ${builtins.toJSON bus} has non-ASCII characters: Nix cannot compare it as the CLI does"; }
    else {
      disk = {
        inherit device model transport labels;
        sizeBytes = bytes;
        logicalSectorSize = sectorSize;
        removable = usb;
        holdsRoot = elem "/dev/root" names;
      };
    };

  # Everything the detector reads from a report: { problems, machine, disks, ignored }.
  readReport = report:
    let
      shape = shapeProblems report;
      machine = machineOf report;
      ctx = { hardware = report.hardware; inherit (machine) virtualisation; };
      outcomes = lib.imap0 (readDisk ctx) (if isList (report.hardware.disk or null) then report.hardware.disk else [ ]);
      disks = lib.sort (a: b: a.device < b.device) (map (o: o.disk) (filter (o: o ? disk) outcomes));
    in
    if shape != [ ] then { problems = shape; machine = { kind = "unknown"; }; disks = [ ]; ignored = [ ]; }
    else {
      problems = machine.problems ++ map (o: o.error) (filter (o: o ? error) outcomes);
      inherit machine disks;
      ignored = map (o: o.ignored) (filter (o: o ? ignored) outcomes);
    };

  # ---- fitting a profile (src/facter/fit.ts) --------------------------------------------------------

  sizeWithin = bytes: nominalGB:
    let diff = bytes / 1.0e9 - nominalGB; in (if diff < 0 then 0 - diff else diff) <= nominalGB * 0.05;

  # true / false, or null when the profile names no provider or the report no vendor.
  vendorMatches = profile: vendor:
    if !(profile.match ? providers) || vendor == null then null
    else any (p: hasInfix (toLower p) (toLower vendor)) profile.match.providers;

  # Profile strings that must be ASCII for vendorMatches to fold them as JavaScript does.
  profileProblems = lib.concatMap (p:
    map (s: "profile ${p.id}: provider ${builtins.toJSON s} has non-ASCII characters: Nix cannot compare it as the CLI does")
      (filter (s: !isAscii s) (p.match.providers or [ ]))) profiles;

  # `considered` are the disks that could be system disks; `baseCaps` lower confidence whatever fits.
  evaluate = machine: considered: baseCaps: pi: profile:
    let
      m = profile.match;
      inherit (machine) kind vendor;
      min = m.disks.minBytes;
      # Failure scores as fit.ts gives them: they only order the candidates for the refusal reason.
      fail = failure: score: why: pool: { inherit profile failure why pool score; caps = [ ]; };
      bigFirst = lib.sort (a: b: a.sizeBytes > b.sizeBytes || (a.sizeBytes == b.sizeBytes && a.device < b.device));
      wide = bigFirst (filter (d: d.sizeBytes >= min) considered);
      small = filter (d: d.sizeBytes < min) considered;
      # A VPS with a second plain disk: the one holding the running root (or labelled "nixos") is the
      # system disk, but only as a tie-break that lowers confidence.
      marked = filter (d: d.holdsRoot || elem "nixos" d.labels) wide;
      tieBreak = kind == "vps" && m.disks.count == 1 && length wide > 1 && length marked == 1;
      pool = if tieBreak then marked else wide;
      wrong = filter (d: !elem d.transport m.disks.transports) pool;
      system = if pool == [ ] then null else head pool;
      sizeOk = if !(m ? nominalSizeGB) || system == null then null else sizeWithin system.sizeBytes m.nominalSizeGB;
      providerOk = vendorMatches profile vendor;
      conflict = if providerOk != true && vendor != null
        then findFirst (q: q.i != pi && vendorMatches q.p vendor == true) null (lib.imap0 (i: p: { inherit i p; }) profiles)
        else null;
      declared = m ? nominalSizeGB || m ? providers;
      caps = baseCaps
        ++ optional (small != [ ]) "${diskList small} below ${gb min}: not a pool disk"
        ++ optional tieBreak "${system.device} taken as the system disk only because it holds the running root"
        ++ optional (m ? nominalSizeGB && sizeOk != true) "disk size does not confirm ${toString m.nominalSizeGB} GB"
        ++ optional (m ? providers && providerOk != true) "SMBIOS vendor ${orElse vendor "absent"} is not ${concatStringsSep "/" m.providers}";
      score = lib.max 0.5 (1 - 0.15 * length caps);
    in
    if !elem kind m.machine then fail "machine" 0 "for ${concatStringsSep "/" m.machine}; this is a ${kind}" [ ]
    else if length pool != m.disks.count then
      fail "disk-count" 0.2 "wants ${toString m.disks.count} disk(s) of at least ${gb min}, found ${toString (length pool)}${lib.optionalString (pool != [ ]) " (${diskList pool})"}" pool
    else if wrong != [ ] then
      fail "transport" 0.25 "${concatStringsSep ", " (map (d: "${d.device} is ${d.transport}") wrong)}; wants ${concatStringsSep "/" m.disks.transports}" pool
    else if sizeOk == false then fail "size" (if providerOk == true then 0.4 else 0.3) "disk ${gb system.sizeBytes} is not within 5% of ${toString m.nominalSizeGB} GB" pool
    else if conflict != null then fail "provider-conflict" 0.3 "SMBIOS vendor ${vendor} points at ${conflict.p.id}" pool
    else if declared && sizeOk != true && providerOk != true then
      fail "no-signal" 0.3 "neither disk size nor SMBIOS vendor (${orElse vendor "absent"}) confirms it" pool
    else { inherit profile pool caps score; failure = null; why = "fits"; };

  # ---- choosing (src/facter/detect.ts) --------------------------------------------------------------

  # Disks that can never be system disks: USB, cloud block volumes, NixOS install media.
  isVolume = d: hasPrefix "hc volume" (toLower d.model) || hasPrefix "oracle blockvolume" (toLower d.model);
  isInstaller = d: any (l: hasPrefix "nixos-" (toLower l)) d.labels;
  # A USB disk that is not an install medium is worth a doubt: someone may mean to plan it.
  usbCaps = disks: map (d: "${d.device}: USB disk (${gb d.sizeBytes}), never planned")
    (filter (d: d.removable && !isInstaller d) disks);

  refusalReason = machine: evals:
    let
      relevant = filter (e: e.failure != "machine") evals;
      kinds = lib.unique (lib.concatMap (p: p.match.machine) profiles);
      crowded = findFirst (e: e.failure == "disk-count" && length e.pool > e.profile.match.disks.count) null relevant;
      conflict = findFirst (e: e.failure == "provider-conflict") null relevant;
      sized = filter (e: e.failure == "size") relevant;
      closest = head (lib.sort (a: b: a.score > b.score) relevant);
    in
    if relevant == [ ] then "no profile is for a ${machine.kind} (profiles cover: ${concatStringsSep ", " kinds}); ${pin} or add a profile"
    else if machine.kind == "vps" && crowded != null then "VPS with ${toString (length crowded.pool)} disks: system disk unclear (${diskList crowded.pool}); ${pin}"
    else if machine.kind == "vps" && conflict != null then "${conflict.why}, but the disk matches ${conflict.profile.id}; ${pin}"
    else if machine.kind == "vps" && sized != [ ] && length sized == length relevant then
      "VPS of unknown size: ${gb (head (head sized).pool).sizeBytes} matches none of ${concatStringsSep "/" (map (e: toString e.profile.match.nominalSizeGB) sized)} GB; ${pin}"
    else "no profile fits this ${machine.kind}: ${closest.profile.id}: ${closest.why}; ${pin}";

  detectProfile = report:
    let
      r = readReport report;
      inherit (r) machine;
      base = { machine = machine.kind; inherit (r) disks ignored; };
      refuse = reason: base // { profile = null; confidence = null; inherit reason; };
      considered = filter (d: !d.removable && !isVolume d && !isInstaller d) r.disks;
      evals = lib.imap0 (evaluate machine considered (usbCaps r.disks)) profiles;
      # builtins.sort is stable, as JavaScript's: equal scores keep the profiles' order.
      fits = lib.sort (a: b: a.score > b.score) (filter (e: e.failure == null) evals);
      best = head fits;
      runnerUp = if length fits > 1 then builtins.elemAt fits 1 else null;
      caps = best.caps ++ optional (runnerUp != null) "also fits, less well: ${concatStringsSep ", " (map (f: f.profile.id) (lib.tail fits))}";
    in
    if r.problems != [ ] || profileProblems != [ ] then
      refuse "cannot read the report as the CLI does: ${concatStringsSep "; " (r.problems ++ profileProblems)}; run `panther detect --facter FILE` to see why, or ${pin}"
    else if isContainer machine.virtualisation then refuse machine.reason
    else if machine.kind == "unknown" then refuse "cannot tell what kind of machine this is: ${machine.reason}; ${pin}"
    else if fits == [ ] then refuse (refusalReason machine evals)
    else if runnerUp != null && runnerUp.score == best.score then
      refuse "ambiguous: ${concatStringsSep " and " (map (f: f.profile.id) (filter (f: f.score == best.score) fits))} fit equally well; ${pin}"
    # Any non-null profile gets planned, so two independent doubts are a refusal, not a guess.
    else if length caps > 1 then refuse "not sure enough: ${best.profile.id} fits, but ${concatStringsSep "; " caps}; ${pin}"
    else base // { profile = best.profile.id; confidence = if caps == [ ] then "high" else "medium"; reason = null; };

  # For machineKind and disks alone: a report the CLI would refuse is an error here too.
  readOrThrow = report:
    let r = readReport report; in
    if r.problems != [ ] then throw "panther: facter report: ${concatStringsSep "; " r.problems}" else r;
in
{
  inherit detectProfile;
  # "laptop" | "desktop" | "server" | "vps" | "unknown"
  machineKind = report: (readOrThrow report).machine.kind;
  # The disks one could install on (≥ 1 GB, not zram/zvol/loop/…), by device name.
  disks = report: (readOrThrow report).disks;
}
