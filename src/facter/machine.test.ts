import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFacterReport } from './parse.ts';

test('machine kind from virtualisation, SMBIOS vendor and chassis (never form_factor)', () => {
  const kind = (virt: string | undefined, vendor: string, product: string, chassis: number | null, extra: Record<string, unknown> = {}) => {
    const smbios = { system: { manufacturer: vendor, product }, ...(chassis === null ? {} : { chassis: [{ chassis_type: { hex: '0001', name: 'x', value: chassis } }] }) };
    const m = parseFacterReport({ version: 1, system: 'x86_64-linux', ...(virt === undefined ? {} : { virtualisation: virt }), hardware: { ...extra }, smbios }, 'f').machine;
    return [m.kind, m.kindReason];
  };
  const cases: Array<[string | undefined, string, string, number | null, string, RegExp]> = [
    ['none', 'LENOVO', '83DJ', 31, 'laptop', /chassis type 31 \(Convertible\)/],
    ['none', 'Microsoft', 'Surface', 32, 'laptop', /Detachable/],
    ['none', 'Apple', 'iPad', 30, 'laptop', /Tablet/],
    ['none', 'Dell', 'XPS', 9, 'laptop', /Laptop/],
    ['none', 'MSI', 'MS-7D75', 3, 'desktop', /Desktop/],
    ['none', 'Intel', 'NUC', 35, 'desktop', /Mini PC/],
    ['none', 'Supermicro', 'X11', 17, 'server', /Main Server Chassis\) on bare metal/],
    ['none', 'Dell', 'R640', 23, 'server', /Rack Mount/],
    // Hetzner dedicated servers also say "Hetzner": only the vServer product is a cloud VM.
    ['none', 'Hetzner', '', 23, 'server', /Rack Mount/],
    ['none', 'Hetzner', 'vServer', 1, 'vps', /cloud provider \(Hetzner Cloud\)/],
    ['none', 'OpenStack Foundation', 'OpenStack Nova', 1, 'vps', /OpenStack/],
    ['kvm', 'QEMU', 'Standard PC', 1, 'vps', /virtualisation kvm\)/],
    ['oracle', 'innotek GmbH', 'VirtualBox', 1, 'vps', /oracle = VirtualBox/],
    ['microsoft', 'Vultr', 'VC2', 1, 'vps', /virtualisation microsoft/],
    ['lxc', 'Supermicro', 'X11', 17, 'unknown', /^container \(lxc\): never plan partitions from inside a container$/],
    ['docker', 'Dell', 'XPS', 9, 'unknown', /container \(docker\)/],
    ['systemd-nspawn', 'Dell', 'XPS', 9, 'unknown', /container \(systemd_nspawn\)/],
    ['none', 'QEMU', 'Standard PC', 1, 'unknown', /chassis type 1 \(Other\) says nothing/],
    [undefined, 'Dell', 'XPS', null, 'unknown', /no SMBIOS chassis type and not virtualised/],
  ];
  for (const [virt, vendor, product, chassis, expected, reason] of cases) {
    const [k, r] = kind(virt, vendor, product, chassis);
    assert.equal(k, expected, `${virt} ${vendor} ${product} ${chassis}`);
    assert.match(r ?? '', reason);
  }
  // hwinfo's form_factor says "laptop" for any machine with a battery driver: ignored.
  assert.equal(kind('none', 'MSI', 'MS-7D75', 3, { system: { form_factor: 'laptop' } })[0], 'desktop');
});

test('firmware from uefi.supported; absent is unknown, not BIOS', () => {
  const fw = (uefi: unknown) => parseFacterReport({ hardware: {}, ...(uefi === undefined ? {} : { uefi }) }, 'f').machine.firmware;
  assert.deepEqual([fw({ supported: true, platform_size: 64 }), fw({ supported: false }), fw(undefined), fw({})], ['uefi', 'bios', 'unknown', 'unknown']);
});
