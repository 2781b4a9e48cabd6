// The kernel the VM tests boot: Debian's linux-image .deb, unpacked (never installed) by
// scripts/setup-vm.sh into a cache outside the repository. What is derived from it (the uncompressed
// vmlinux, the initramfs) is cached beside it, keyed by kernel version and the inputs' hash.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { open, readFile, rename, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const VM_CACHE = process.env['PANTHER_VM_CACHE'] ?? '/var/cache/panther-test-vm';

export interface Kernel {
  version: string;
  /** The unpacked .deb: boot/vmlinuz-<version>, lib/modules/<version>. */
  root: string;
  vmlinuz: string;
  modules: string;
}

const byVersion = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** The newest kernel setup-vm.sh unpacked, or null (the reason is for a skip message). */
export function findKernel(cache = VM_CACHE): Kernel | null {
  const dir = join(cache, 'kernel');
  if (!existsSync(dir)) return null;
  const versions = readdirSync(dir).filter((v) => /^[0-9][0-9.]*-[0-9]+-amd64$/.test(v)).sort(byVersion);
  for (const version of versions.reverse()) {
    const root = join(dir, version);
    const vmlinuz = join(root, 'boot', `vmlinuz-${version}`);
    const modules = join(root, 'lib', 'modules', version);
    if (existsSync(vmlinuz) && existsSync(modules)) return { version, root, vmlinuz, modules };
  }
  return null;
}

/** Runs a program; resolves with its exit code and stderr; `stdin` is written then closed. */
export function runTool(cmd: string, args: readonly string[], opts: { stdin?: Buffer | string; stdout?: string; cwd?: string } = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    (async () => {
      const out = opts.stdout === undefined ? null : await open(opts.stdout, 'w');
      const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', out === null ? 'ignore' : out.fd, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('error', (e) => { void out?.close(); reject(e); });
      child.on('close', (code) => { void out?.close(); resolve({ code: code ?? 1, stderr }); });
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(opts.stdin ?? Buffer.alloc(0));
    })().catch(reject);
  });
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * The uncompressed ELF vmlinux inside Debian's bzImage (xz). QEMU boots it through its PVH note,
 * which saves the ~3.5 s the xz decompressor costs under TCG on every boot.
 */
export async function vmlinux(kernel: Kernel, cache = VM_CACHE): Promise<string> {
  const out = join(cache, 'build', kernel.version, 'vmlinux');
  if (existsSync(out)) return out;
  await mkdir(join(cache, 'build', kernel.version), { recursive: true });
  const image = await readFile(kernel.vmlinuz);
  const at = image.indexOf(XZ_MAGIC);
  if (at < 0) throw new Error(`${kernel.vmlinuz}: no xz stream in the bzImage (not a Debian amd64 kernel?)`);
  const partial = `${out}.partial-${process.pid}`;
  // The bzImage has data after the xz stream, so xz ends with an error; the ELF header says whether it
  // worked. (busybox unxz cannot: it lacks the x86 BCJ filter Debian's kernel is packed with.)
  await runTool('xz', ['-dc'], { stdin: image.subarray(at), stdout: partial });
  const head = Buffer.alloc(4);
  const fh = await open(partial, 'r');
  try { await fh.read(head, 0, 4, 0); } finally { await fh.close(); }
  if (!head.equals(ELF_MAGIC)) {
    await rm(partial, { force: true });
    throw new Error(`${kernel.vmlinuz}: the xz stream did not unpack to an ELF vmlinux (xz -d; apt-get install xz-utils)`);
  }
  await rename(partial, out);
  return out;
}
