// Runs in the VM: reads the guest's block devices from /sys/block, finds the host's pool disks by
// serial (never by kernel name), and writes into OUT_DIR the spec host's facter report with its disks
// swapped for them (facter.json), the spec inventory with the host's expected disks made these
// (inventory.json), and one `POOL=/dev/NAME` line per pool for provision's --device flags (devices.txt).
// Usage: node guest/facter.ts HOST SPEC_REPORT SPEC_INVENTORY DISKS_JSON OUT_DIR
//   DISKS_JSON: [{ "role": "primary", "serial": "…" }, …] in pool order.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { swapDisks, vmInventory, vpdSerial, type GuestDisk } from '../facter-swap.ts';

const argv = process.argv.slice(2);
if (argv.length !== 5) throw new Error('usage: facter.ts HOST SPEC_REPORT SPEC_INVENTORY DISKS_JSON OUT_DIR');
const [host, specPath, inventoryPath, disksPath, outDir] = argv as [string, string, string, string, string];

const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'latin1').trim() : '');

function guestDisks(): GuestDisk[] {
  return readdirSync('/sys/block').filter((n) => /^(nvme\d+n\d+|sd[a-z]+|vd[a-z]+)$/.test(n)).map((name) => {
    const dir = join('/sys/block', name);
    const vpd = join(dir, 'device/vpd_pg80');
    const serial = read(join(dir, 'device/serial')) || read(join(dir, 'serial')) || (existsSync(vpd) ? vpdSerial(readFileSync(vpd)) : '');
    return { name, sizeBytes: Number(read(join(dir, 'size'))) * 512, serial, model: read(join(dir, 'device/model')) || 'QEMU disk' };
  });
}

const wanted = JSON.parse(readFileSync(disksPath, 'utf8')) as Array<{ role: string; serial: string }>;
const present = guestDisks();
const found = wanted.flatMap((w) => {
  const d = present.find((p) => p.serial === w.serial);
  return d === undefined ? [] : [{ role: w.role, disk: d }];
});
const missing = wanted.filter((w) => !found.some((f) => f.role === w.role));
if (missing.length > 0) {
  process.stderr.write(`guest facter: no disk with serial ${missing.map((m) => `${m.serial} (${m.role})`).join(', ')}; ` +
    `the guest has ${present.map((p) => `${p.name}=${p.serial || '?'}`).join(' ')}\n`);
  process.exit(1);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as unknown;
const inventory = JSON.parse(readFileSync(inventoryPath, 'utf8')) as unknown;
const pools = found.map((f) => ({ role: f.role, name: f.disk.name }));
writeFileSync(join(outDir, 'facter.json'), `${JSON.stringify(swapDisks(spec, found.map((f) => f.disk)), null, 2)}\n`);
writeFileSync(join(outDir, 'inventory.json'), `${JSON.stringify(vmInventory(inventory, host, pools), null, 2)}\n`);
writeFileSync(join(outDir, 'devices.txt'), pools.map((p) => `${p.role}=/dev/${p.name}\n`).join(''));
