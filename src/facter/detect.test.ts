import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { detectProfile } from './detect.ts';
import { parseFacterReport } from './parse.ts';
import { loadBuiltinProfiles } from '../plan/builtin-profiles.ts';
import type { ProfileDef } from '../plan/profile-types.ts';
import type { Detection } from './types.ts';

// Real reports (copied from public repositories, provenance in its README) are in test/fixtures/facter/real/, synthetic ones beside it.
const REAL = fileURLToPath(new URL('../../test/fixtures/facter/real/', import.meta.url));
const SYNTH = fileURLToPath(new URL('../../test/fixtures/facter/', import.meta.url));
const HOSTS = fileURLToPath(new URL('../../examples/facter/', import.meta.url));
const PROFILES = loadBuiltinProfiles();

function json(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}
function detectJson(raw: unknown, profiles: ProfileDef[] = PROFILES): Detection {
  return detectProfile(parseFacterReport(raw, 'facter.json'), profiles);
}
const detectFile = (path: string) => detectJson(json(path));

interface Expected { profile: string | null; confidence?: Detection['confidence']; pool?: string[]; reason?: RegExp | string }
const EXPECTED: Array<[string, Expected]> = [
  [`${REAL}laptop-dual-nvme.json`, { profile: 'dev-laptop', confidence: 'high', pool: ['/dev/nvme0n1', '/dev/nvme1n1'] }],
  [`${REAL}laptop-single-nvme.json`, { profile: 'light-laptop', confidence: 'high', pool: ['/dev/nvme0n1'] }],
  [`${REAL}laptop-nvme-old-format.json`, { profile: 'light-laptop', confidence: 'high', pool: ['/dev/nvme0n1'] }],
  [`${REAL}vps-virtio-scsi.json`, { profile: null, reason: 'VPS of unknown size: 163.8 GB matches none of 458/536/200 GB; pin this host in an inventory' }],
  [`${REAL}vps-virtio-blk.json`, { profile: null, reason: 'VPS of unknown size: 85.9 GB matches none of 458/536/200 GB; pin this host in an inventory' }],
  [`${HOSTS}zephyrus.json`, { profile: 'dev-laptop', confidence: 'high', pool: ['/dev/nvme0n1', '/dev/nvme1n1'] }],
  [`${HOSTS}yoga.json`, { profile: 'light-laptop', confidence: 'high', pool: ['/dev/nvme0n1'] }],
  [`${HOSTS}hetzner.json`, { profile: 'production-vps', confidence: 'high', pool: ['/dev/sda'] }],
  [`${HOSTS}contabo.json`, { profile: 'staging-vps', confidence: 'medium', pool: ['/dev/sda'] }],
  [`${HOSTS}ovh.json`, { profile: 'utility-vps', confidence: 'high', pool: ['/dev/vda'] }],
  [`${SYNTH}trap-hetzner-with-volume.json`, { profile: 'production-vps', confidence: 'high', pool: ['/dev/sda'] }],
  [`${SYNTH}trap-usb-installer.json`, { profile: 'light-laptop', confidence: 'high', pool: ['/dev/nvme0n1'] }],
  [`${SYNTH}trap-optane-cache.json`, { profile: null, reason: /^no profile fits this laptop: light-laptop: \/dev\/sda is sata; wants nvme; below 100\.0 GB, not counted: \/dev\/nvme0n1 14\.4 GB, \/dev\/nvme1n1 14\.4 GB/ }],
  [`${SYNTH}trap-rack-server-dual-nvme.json`, { profile: null, reason: 'no profile is for a server (profiles cover: laptop, vps); pin this host in an inventory or add a profile' }],
  [`${SYNTH}trap-desktop.json`, { profile: null, reason: 'no profile is for a desktop (profiles cover: laptop, vps); pin this host in an inventory or add a profile' }],
  [`${SYNTH}trap-vps-two-disks.json`, { profile: null, reason: 'VPS with two disks: system disk unclear (/dev/sda 200.0 GB, /dev/sdb 200.0 GB); pin this host in an inventory' }],
  [`${SYNTH}trap-raspberry-pi.json`, { profile: null, reason: 'cannot tell what kind of machine this is: SMBIOS is empty (usual on aarch64 boards) and not virtualised; pin this host in an inventory' }],
  [`${SYNTH}trap-lxc.json`, { profile: null, reason: 'container (lxc): never plan partitions from inside a container' }],
];

test('every real and synthetic report: exact profile, confidence, pool disks or refusal reason', () => {
  for (const [path, want] of EXPECTED) {
    const d = detectFile(path);
    const name = path.split('/').pop();
    assert.equal(d.profile, want.profile, `${name}: ${d.reason}`);
    if (want.profile === null) {
      assert.equal(d.confidence, null, name);
      assert.deepEqual(d.poolDisks, [], name);
      if (typeof want.reason === 'string') assert.equal(d.reason, want.reason, name);
      else assert.match(d.reason ?? '', want.reason ?? /./, name);
      // Refusals still list every profile as a scored candidate, best first.
      assert.deepEqual(d.candidates.map((c) => c.profile).sort(), PROFILES.map((p) => p.id).sort(), name);
      assert.deepEqual(d.candidates.map((c) => c.score), [...d.candidates.map((c) => c.score)].sort((a, b) => b - a), name);
    } else {
      assert.equal(d.reason, null, name);
      assert.equal(d.confidence, want.confidence, `${name}: ${d.evidence.join(' | ')}`);
      assert.deepEqual(d.poolDisks?.map((x) => x.device), want.pool, name);
      assert.equal(d.candidates[0]?.profile, want.profile, name);
    }
  }
});

test('evidence names the facts used', () => {
  const hetzner = detectFile(`${REAL}vps-virtio-scsi.json`);
  assert.ok(hetzner.evidence.includes('machine: vps (virtual machine (virtualisation kvm))'));
  assert.ok(hetzner.evidence.includes('SMBIOS system: Hetzner / vServer'));
  assert.ok(hetzner.evidence.includes('disk /dev/sda: virtio-scsi, 163.8 GB, "QEMU HARDDISK"'));
  const production = hetzner.candidates.find((c) => c.profile === 'production-vps');
  assert.equal(production?.why, 'disk 163.8 GB is not within 5% of 458 GB (SMBIOS vendor Hetzner does match)');

  const volume = detectFile(`${SYNTH}trap-hetzner-with-volume.json`);
  assert.deepEqual(volume.disks.map((d) => d.device), ['/dev/sda', '/dev/sdb']);
  assert.ok(volume.evidence.includes('/dev/sdb: cloud block volume ("HC Volume"), not the system disk'));

  const old = detectFile(`${REAL}laptop-nvme-old-format.json`);
  assert.ok(old.evidence.some((e) => e.startsWith('ignored /dev/zd0: ZFS zvol')));
  assert.match(old.ignored[0]?.reason ?? '', /^ZFS zvol/);

  const usb = detectFile(`${SYNTH}trap-usb-installer.json`);
  assert.ok(usb.evidence.includes('/dev/sda: USB install medium (label nixos-minimal-25.05-x86_64), never planned'));
  assert.equal(usb.disks.find((d) => d.device === '/dev/sda')?.removable, true);
});

/** zephyrus.json with its second NVMe resized to `sectors`. */
function zephyrusWithSecond(sectors: number, sectorSize = 512): any {
  const raw = json(`${HOSTS}zephyrus.json`);
  const size = raw.hardware.disk[1].resources.find((r: any) => r.type === 'size');
  size.value_1 = sectors;
  size.value_2 = sectorSize;
  return raw;
}

test('a laptop whose second NVMe is tiny is a one-disk laptop, with lowered confidence', () => {
  const d = detectJson(zephyrusWithSecond(28131328)); // 14.4 GB Optane-sized module
  assert.equal(d.profile, 'light-laptop');
  assert.equal(d.confidence, 'medium');
  assert.deepEqual(d.poolDisks?.map((x) => x.device), ['/dev/nvme0n1']);
  assert.ok(d.evidence.includes('lowers confidence: /dev/nvme1n1 14.4 GB below 100.0 GB: not a pool disk'));
});

test('a large USB disk is never planned and lowers confidence', () => {
  const raw = json(`${SYNTH}trap-usb-installer.json`);
  const stick = raw.hardware.disk[1];
  stick.unix_device_names = stick.unix_device_names.filter((n: string) => !n.includes('by-label'));
  stick.resources[0].value_1 = 3907029168; // a 2 TB USB enclosure
  const d = detectJson(raw);
  assert.deepEqual([d.profile, d.confidence], ['light-laptop', 'medium']);
  assert.deepEqual(d.poolDisks?.map((x) => x.device), ['/dev/nvme0n1']);
});

/** hetzner.json with the vendor and disk size replaced. */
function vps(vendor: string, bytes: number, product = 'vServer'): any {
  const raw = json(`${HOSTS}hetzner.json`);
  raw.smbios.system.manufacturer = vendor;
  raw.smbios.system.product = product;
  raw.hardware.disk[0].resources[1].value_1 = Math.round(bytes / 512);
  return raw;
}

test('VPS: a provider that points at another profile than the size refuses', () => {
  const d = detectJson(vps('Hetzner', 536e9));
  assert.equal(d.profile, null);
  assert.equal(d.reason, 'SMBIOS vendor Hetzner points at production-vps, but the disk matches staging-vps; pin this host in an inventory');
  // Within 5%: 458 GB ± 22.9 GB.
  assert.equal(detectJson(vps('Hetzner', 480e9)).profile, 'production-vps');
  assert.equal(detectJson(vps('Hetzner', 481e9)).profile, null);
});

test('VPS with a second plain disk: the disk holding the running root wins, at medium confidence at best', () => {
  const raw = json(`${SYNTH}trap-vps-two-disks.json`);
  raw.smbios.system.manufacturer = 'Hetzner';
  raw.smbios.system.product = 'vServer';
  for (const disk of raw.hardware.disk) disk.resources[1].value_1 = 894531250; // 458 GB each
  raw.hardware.disk[1].unix_device_names.push('/dev/root');
  const d = detectJson(raw);
  assert.deepEqual([d.profile, d.confidence], ['production-vps', 'medium']);
  assert.deepEqual(d.poolDisks?.map((x) => x.device), ['/dev/sdb']);
  // Without the provider, size and a root tie-break are two doubts: refused rather than guessed.
  const generic = json(`${SYNTH}trap-vps-two-disks.json`);
  generic.hardware.disk[1].unix_device_names.push('/dev/root');
  const g = detectJson(generic);
  assert.equal(g.profile, null);
  assert.equal(g.reason, 'not sure enough: utility-vps fits, but /dev/sdb taken as the system disk only because it holds the running root; other disks: /dev/sda 200.0 GB; SMBIOS vendor QEMU is not OVH/OVHcloud/OpenStack Foundation: only the disk size matches; pin this host in an inventory');
  // A NixOS installer image attached as a disk is not a candidate at all.
  const installer = json(`${SYNTH}trap-vps-two-disks.json`);
  installer.hardware.disk[1].unix_device_names.push('/dev/disk/by-label/nixos-minimal-25.05-x86_64');
  const e = detectJson(installer);
  assert.deepEqual([e.profile, e.confidence, e.poolDisks?.map((x) => x.device)], ['utility-vps', 'medium', ['/dev/sda']]);
});

test('profiles that declare only a provider need it to match; equal fits refuse', () => {
  const base = PROFILES.find((p) => p.id === 'utility-vps');
  assert.ok(base);
  const providerOnly: ProfileDef = { ...base, id: 'any-netcup', match: { ...base.match, providers: ['netcup'], nominalSizeGB: undefined } };
  delete providerOnly.match.nominalSizeGB;
  const netcup = detectJson(json(`${REAL}vps-virtio-blk.json`), [providerOnly]);
  assert.deepEqual([netcup.profile, netcup.confidence], ['any-netcup', 'high']);
  const other = detectJson(vps('QEMU', 85.9e9, 'Standard PC'), [providerOnly]);
  assert.equal(other.profile, null);
  assert.match(other.reason ?? '', /neither disk size nor SMBIOS vendor \(QEMU\) confirms it/);

  const twin: ProfileDef = { ...PROFILES[0]!, id: 'dev-laptop-copy' };
  const tie = detectJson(json(`${HOSTS}zephyrus.json`), [...PROFILES, twin]);
  assert.equal(tie.profile, null);
  assert.equal(tie.reason, 'ambiguous: dev-laptop and dev-laptop-copy fit equally well; pin this host in an inventory');
});

const MIN = 100e9;
const GB = 1e9;

test('property: never dev-laptop when either NVMe is below minBytes; always dev-laptop when both reach it', () => {
  fc.assert(fc.property(
    fc.integer({ min: 2 * GB, max: 4000 * GB }), fc.constantFrom(512, 4096),
    (bytes, sectorSize) => {
      const raw = zephyrusWithSecond(Math.floor(bytes / sectorSize), sectorSize);
      const second = Math.floor(bytes / sectorSize) * sectorSize;
      const d = detectJson(raw);
      if (second < MIN) {
        assert.notEqual(d.profile, 'dev-laptop');
        assert.equal(d.profile, 'light-laptop');
        assert.notEqual(d.confidence, 'high');
      } else {
        assert.deepEqual([d.profile, d.confidence], ['dev-laptop', 'high']);
      }
    }));
});

const IGNORABLE = ['zram0', 'ram1', 'zd0', 'loop3', 'fd0', 'sr0', 'mmcblk0boot0', 'mmcblk0boot1'];

test('property: adding devices of an ignored kind never changes the detection', () => {
  const files = EXPECTED.map(([path]) => path);
  fc.assert(fc.property(
    fc.constantFrom(...files),
    fc.array(fc.record({ name: fc.constantFrom(...IGNORABLE), sectors: fc.integer({ min: 1, max: 8e9 }), at: fc.nat() }), { minLength: 1, maxLength: 4 }),
    (file, extras) => {
      const raw = json(file);
      const before = detectJson(raw);
      for (const { name, sectors, at } of extras) {
        const entry = { class_list: ['disk', 'block_device'], model: 'Disk', sysfs_id: `/class/block/${name}`, unix_device_names: [`/dev/${name}`], resources: [{ type: 'size', unit: 'sectors', value_1: sectors, value_2: 512 }] };
        raw.hardware.disk.splice(at % (raw.hardware.disk.length + 1), 0, entry);
      }
      const after = detectJson(raw);
      assert.deepEqual([after.profile, after.confidence, after.reason], [before.profile, before.confidence, before.reason]);
      assert.deepEqual(after.disks, before.disks.map((d) => ({ ...d, reportIndex: after.disks.find((x) => x.device === d.device)?.reportIndex })));
      assert.equal(after.ignored.length, before.ignored.length + extras.length);
    }));
});

test('property: a VPS profile is only chosen within 5% of its nominal size, and high only with its provider', () => {
  const nominal: Record<string, number> = { 'production-vps': 458, 'staging-vps': 536, 'utility-vps': 200 };
  const provider: Record<string, string> = { 'production-vps': 'Hetzner', 'staging-vps': 'Contabo', 'utility-vps': 'OpenStack Foundation' };
  fc.assert(fc.property(
    fc.integer({ min: 20, max: 700 }), fc.double({ min: 0, max: 1, noNaN: true }),
    fc.constantFrom('Hetzner', 'Contabo', 'OpenStack Foundation', 'QEMU', 'netcup'),
    (gb, frac, vendor) => {
      const bytes = Math.round((gb + frac) * GB / 512) * 512;
      const d = detectJson(vps(vendor, bytes, vendor === 'Hetzner' ? 'vServer' : 'KVM'));
      if (d.profile === null) return;
      const n = nominal[d.profile];
      assert.ok(n !== undefined);
      assert.ok(Math.abs(bytes / GB - n) <= n * 0.05, `${d.profile} chosen for ${bytes / GB} GB`);
      assert.equal(d.confidence, vendor === provider[d.profile] ? 'high' : 'medium');
    }));
});
