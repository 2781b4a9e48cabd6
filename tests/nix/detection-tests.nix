# Hardware-profile detection in Nix (lib/storage/hardware-profiles.nix), in the nix-unit format
# ({ testX = { expr; expected; }; }), run by `lib.debug.runTests` in checks.storage-unit-tests and in
# test/nix-detect.test.ts. Expected values are what the TypeScript detector (the reference) answers;
# test/nix-detect.test.ts checks that the two agree on every report, these pin the answers themselves.
#
# detect:   lib/storage/hardware-profiles.nix applied to { lib, profiles } (or any attrset with its
#           detectProfile, such as lib/storage/default.nix's), or the detectProfile function itself.
# fixtures: test/fixtures/facter (real/ holds five published reports, trap-*.json the odd cases).
# hosts:    examples/facter, the spec's five hosts (zephyrus, yoga, hetzner, contabo, ovh).
{ lib, detect, fixtures, hosts ? ../../examples/facter }:
let
  detectProfile = if builtins.isFunction detect then detect else detect.detectProfile;
  read = path: builtins.fromJSON (builtins.readFile path);
  real = name: read (fixtures + "/real/${name}.json");
  fixture = name: read (fixtures + "/${name}.json");
  host = name: read (hosts + "/${name}.json");
  profileOf = report: (detectProfile report).profile;
  answer = report: let d = detectProfile report; in { inherit (d) profile confidence machine; };
  devices = report: map (d: d.device) (detectProfile report).disks;
  # A refusal must say how to get past it.
  refusal = report: let d = detectProfile report; in {
    inherit (d) profile;
    saysTheFix = d.reason != null && lib.hasInfix "pin this host in an inventory" d.reason;
  };
  refused = { profile = null; saysTheFix = true; };

  # hetzner.json with its disk resized: 458 GB ± 5 % is production-vps, beyond it nothing.
  hetznerSized = bytes: lib.recursiveUpdate (host "hetzner") {
    hardware.disk = map (d: d // {
      resources = map (r: if r.type == "size" then r // { value_1 = bytes / 512; value_2 = 512; } else r) d.resources;
    }) (host "hetzner").hardware.disk;
  };
in
{
  # The specification's three detection tests (its "Testing Strategy").
  testDetectZephyrusDualNvme = { expr = profileOf (host "zephyrus"); expected = "dev-laptop"; };
  testDetectYogaSingleNvme = { expr = profileOf (host "yoga"); expected = "light-laptop"; };
  testDetectHetznerVps = { expr = profileOf (host "hetzner"); expected = "production-vps"; };
  # The other two spec hosts: Contabo's disk size fits, its SMBIOS vendor does not say Contabo.
  testDetectContaboVps = { expr = answer (host "contabo"); expected = { profile = "staging-vps"; confidence = "medium"; machine = "vps"; }; };
  testDetectOvhVps = { expr = answer (host "ovh"); expected = { profile = "utility-vps"; confidence = "high"; machine = "vps"; }; };

  # Five reports from real machines (test/fixtures/facter/real/README.md).
  testDetectRealAsusDualNvme = {
    expr = answer (real "laptop-dual-nvme");
    expected = { profile = "dev-laptop"; confidence = "high"; machine = "laptop"; };
  };
  testDetectRealThinkpadSingleNvme = {
    expr = answer (real "laptop-single-nvme");
    expected = { profile = "light-laptop"; confidence = "high"; machine = "laptop"; };
  };
  testDetectRealFrameworkOldFormat = {
    expr = answer (real "laptop-nvme-old-format");
    expected = { profile = "light-laptop"; confidence = "high"; machine = "laptop"; };
  };
  # zd0 is a ZFS zvol inside the pool on nvme0n1, never a second disk.
  testDetectRealFrameworkIgnoresZvol = { expr = devices (real "laptop-nvme-old-format"); expected = [ "/dev/nvme0n1" ]; };
  # A real Hetzner Cloud VPS, but 163.8 GB: none of the VPS profiles' sizes, so no guess.
  testDetectRealHetznerUnknownSize = { expr = refusal (real "vps-virtio-scsi"); expected = refused; };
  testDetectRealHetznerIsVps = { expr = (detectProfile (real "vps-virtio-scsi")).machine; expected = "vps"; };
  testDetectRealHetznerDisk = {
    expr = map (d: { inherit (d) device sizeBytes transport; }) (detectProfile (real "vps-virtio-scsi")).disks;
    expected = [ { device = "/dev/sda"; sizeBytes = 163842097152; transport = "virtio-scsi"; } ];
  };
  testDetectRealNetcupUnknownSize = { expr = refusal (real "vps-virtio-blk"); expected = refused; };
  testDetectRealNetcupVirtioBlk = {
    expr = map (d: d.transport) (detectProfile (real "vps-virtio-blk")).disks;
    expected = [ "virtio-blk" ];
  };

  # The traps (test/fixtures/facter/README.md): each one a way to be confidently wrong.
  testDetectTrapDesktop = { expr = refusal (fixture "trap-desktop"); expected = refused; };
  testDetectTrapDesktopKind = { expr = (detectProfile (fixture "trap-desktop")).machine; expected = "desktop"; };
  testDetectTrapHetznerWithVolume = {
    expr = answer (fixture "trap-hetzner-with-volume");
    expected = { profile = "production-vps"; confidence = "high"; machine = "vps"; };
  };
  testDetectTrapLxc = { expr = answer (fixture "trap-lxc"); expected = { profile = null; confidence = null; machine = "unknown"; }; };
  testDetectTrapOptaneCache = { expr = refusal (fixture "trap-optane-cache"); expected = refused; };
  testDetectTrapRackServer = { expr = refusal (fixture "trap-rack-server-dual-nvme"); expected = refused; };
  testDetectTrapRaspberryPi = { expr = refusal (fixture "trap-raspberry-pi"); expected = refused; };
  testDetectTrapUsbInstaller = {
    expr = answer (fixture "trap-usb-installer");
    expected = { profile = "light-laptop"; confidence = "high"; machine = "laptop"; };
  };
  testDetectTrapUsbInstallerStick = {
    expr = map (d: { inherit (d) device transport removable; }) (detectProfile (fixture "trap-usb-installer")).disks;
    expected = [
      { device = "/dev/nvme0n1"; transport = "nvme"; removable = false; }
      { device = "/dev/sda"; transport = "usb"; removable = true; }
    ];
  };
  testDetectTrapVpsTwoDisks = { expr = refusal (fixture "trap-vps-two-disks"); expected = refused; };

  # Reports the CLI refuses to read are refusals here too, never a profile.
  testDetectMalformedNoHardware = { expr = refusal (fixture "malformed-no-hardware"); expected = refused; };
  testDetectMalformedDiskNoSize = { expr = refusal (fixture "malformed-disk-no-size"); expected = refused; };

  # machineKind and disks alone, where `detect` is the whole attrset (a bare detectProfile has neither).
} // lib.optionalAttrs (builtins.isAttrs detect && detect ? machineKind && detect ? disks) {
  testDetectMachineKinds = {
    expr = map detect.machineKind [ (real "laptop-dual-nvme") (real "vps-virtio-blk") (fixture "trap-desktop")
      (fixture "trap-rack-server-dual-nvme") (fixture "trap-raspberry-pi") (fixture "trap-lxc") ];
    expected = [ "laptop" "vps" "desktop" "server" "unknown" "unknown" ];
  };
  testDetectDisksSizes = {
    expr = map (d: { inherit (d) device sizeBytes logicalSectorSize; }) (detect.disks (real "laptop-dual-nvme"));
    expected = [
      { device = "/dev/nvme0n1"; sizeBytes = 1000204886016; logicalSectorSize = 512; }
      { device = "/dev/nvme1n1"; sizeBytes = 512110190592; logicalSectorSize = 512; }
    ];
  };
  # A report the CLI refuses to read is an evaluation error for machineKind and disks, not an empty answer.
  testDetectDisksRefuseMalformed = {
    expr = (builtins.tryEval (builtins.deepSeq (detect.disks (fixture "malformed-disk-no-size")) true)).success;
    expected = false;
  };
} // {
  # The 5 % window around a profile's nominal size, at its edges (458 GB ± 22.9 GB).
  testDetectHetznerSizeWindow = {
    expr = map (gb: profileOf (hetznerSized (gb * 1000000000))) [ 435 436 480 481 ];
    expected = [ null "production-vps" "production-vps" null ];
  };
}
