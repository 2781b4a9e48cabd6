// The VM's initramfs: static busybox, guest/init.sh as /init, and the kernel modules the test disks
// and filesystems need with everything they depend on (from modules.dep). The host has neither kmod
// nor cpio, so busybox's depmod and cpio do that work. Cached by kernel version and inputs' hash.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool, VM_CACHE, type Kernel } from './kernel.ts';

/**
 * Loaded by init in this order. crc32c is not a modules.dep dependency of btrfs (the crypto API
 * finds it by name at mount time), and the chroot has no modprobe for the guest kernel, so every
 * module must be here: nothing is loaded on demand.
 */
export const GUEST_MODULES = [
  'virtio_pci', 'virtio_blk', 'virtio_scsi', 'sd_mod', 'nvme', 'crc32c_generic', 'crc32c_intel',
  'btrfs', 'vfat', 'nls_cp437', 'nls_iso8859_1', 'nls_ascii', 'nls_utf8', '9pnet_virtio', '9p', 'overlay',
] as const;

const INIT = fileURLToPath(new URL('./guest/init.sh', import.meta.url));
const BUSYBOX = '/bin/busybox';

const norm = (name: string): string => name.replace(/-/g, '_');

/** modules.dep → module name (dashes as underscores) → its path and the paths it needs. Pure. */
export function parseModulesDep(text: string): Map<string, { path: string; deps: string[] }> {
  const map = new Map<string, { path: string; deps: string[] }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    const base = path.split('/').pop()!.replace(/\.ko(\.(xz|zst|gz))?$/, '');
    map.set(norm(base), { path, deps: line.slice(colon + 1).trim().split(/\s+/).filter(Boolean) });
  }
  return map;
}

/** Every module file `wanted` needs, dependencies included; throws naming a module it lacks. Pure. */
export function moduleClosure(dep: ReturnType<typeof parseModulesDep>, wanted: readonly string[]): string[] {
  const byPath = new Map([...dep.values()].map((m) => [m.path, m]));
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const d of byPath.get(path)?.deps ?? []) visit(d);
  };
  for (const name of wanted) {
    const m = dep.get(norm(name));
    if (m === undefined) throw new Error(`kernel module ${name} is not in modules.dep (built in, or renamed in this kernel?)`);
    visit(m.path);
  }
  return [...seen].sort();
}

async function walk(dir: string, prefix = '.'): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = `${prefix}/${e.name}`;
    out.push(rel);
    if (e.isDirectory()) out.push(...await walk(join(dir, e.name), rel));
  }
  return out;
}

/** The initramfs for `kernel` (uncompressed newc cpio: TCG unpacks it faster than it gunzips). */
export async function initramfs(kernel: Kernel, cache = VM_CACHE): Promise<string> {
  const depFile = join(kernel.modules, 'modules.dep');
  if (!existsSync(depFile)) {
    // The .deb ships no modules.dep (its postinst runs depmod); busybox writes one beside the modules.
    const r = await runTool(BUSYBOX, ['depmod', '-b', kernel.root, kernel.version]);
    if (r.code !== 0 || !existsSync(depFile)) throw new Error(`busybox depmod for ${kernel.version} failed: ${r.stderr.trim()}`);
  }
  const dep = parseModulesDep(await readFile(depFile, 'utf8'));
  // crc32c_intel needs SSE 4.2; -cpu max has it, but a missing optional module is not fatal.
  const present = GUEST_MODULES.filter((m) => m !== 'crc32c_intel' || dep.has(m));
  const files = moduleClosure(dep, present);
  const init = await readFile(INIT);
  const hash = createHash('sha256')
    .update(kernel.version).update('\0').update(init).update('\0').update(present.join(' ')).update('\0')
    .update(files.join(' ')).update('\0').update(await readFile(BUSYBOX))
    .digest('hex').slice(0, 16);
  const out = join(cache, 'build', kernel.version, `initramfs-${hash}.cpio`);
  if (existsSync(out)) return out;

  const stage = await mkdtemp(join(tmpdir(), 'panther-initramfs-'));
  try {
    for (const d of ['bin', 'dev', 'proc', 'sys', 'tmp', 'run', 'mnt', 'etc', `lib/modules/${kernel.version}`]) {
      await mkdir(join(stage, d), { recursive: true });
    }
    await copyFile(BUSYBOX, join(stage, 'bin/busybox'));
    await chmod(join(stage, 'bin/busybox'), 0o755);
    await symlink('busybox', join(stage, 'bin/sh'));
    const modDir = join(stage, 'lib/modules', kernel.version);
    for (const f of files) {
      await mkdir(dirname(join(modDir, f)), { recursive: true });
      await copyFile(join(kernel.modules, f), join(modDir, f));
    }
    for (const f of ['modules.builtin', 'modules.order']) {
      if (existsSync(join(kernel.modules, f))) await copyFile(join(kernel.modules, f), join(modDir, f));
    }
    const r = await runTool(BUSYBOX, ['depmod', '-b', stage, kernel.version]);
    if (r.code !== 0) throw new Error(`busybox depmod in the initramfs failed: ${r.stderr.trim()}`);
    await writeFile(join(stage, 'etc/pvm-modules'), `${present.join('\n')}\n`);
    await writeFile(join(stage, 'init'), init, { mode: 0o755 });
    await mkdir(dirname(out), { recursive: true });
    const partial = `${out}.partial-${process.pid}`;
    const list = (await walk(stage)).join('\n') + '\n';
    // busybox cpio reads the names relative to its working directory.
    const c = await runTool(BUSYBOX, ['cpio', '-o', '-H', 'newc'], { cwd: stage, stdin: list, stdout: partial });
    if (c.code !== 0) throw new Error(`busybox cpio failed: ${c.stderr.trim()}`);
    await rename(partial, out);
    return out;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
