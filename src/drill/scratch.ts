// The scratch btrfs a drill restores into: a sparse image in the scratch directory, formatted and
// mounted over that directory inside the drill's private mount namespace (namespace.ts), and its
// name unlinked before the mount. Nobody outside the drill sees the restored data, and however the
// drill ends, even by SIGKILL, the kernel takes the mount down with the namespace's last process,
// detaches the loop device (mount -o loop sets autoclear) and frees the unlinked image. Only a
// drill killed in the second between creating the image and unlinking it leaves a file behind,
// which the next drill removes (`prepareScratchDir`, under the drill lock).
import { constants, lstat, open, readdir, readlink, statfs, unlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { mkfsBtrfsImage, mount, setNoCow, umount } from '../btrfs/index.ts';
import { formatBytes } from '../core/bytes.ts';
import { DEFAULT_SCRATCH_DIR } from '../core/defaults.ts';
import { ExitCode, PantherError } from '../core/errors.ts';

export { DEFAULT_SCRATCH_DIR };
import { mkdirPrivate } from '../core/private-dir.ts';

const IMAGE = /^\.panther-drill-\d+\.img$/;
/** btrfs needs room for metadata (DUP) and system chunks beyond the data. */
const FS_OVERHEAD_BYTES = 768 * 1024 * 1024;

/** Size of the sparse image for `dataBytes` of restored data: a margin for metadata and CoW of the database copies. */
export function imageBytesFor(dataBytes: number): number {
  return Math.ceil(dataBytes * 1.3) + FS_OVERHEAD_BYTES;
}

function scratchError(code: string, dir: string, message: string, hint: string, exitCode: number = ExitCode.refused): PantherError {
  return new PantherError(code, `scratch directory ${dir}: ${message}`, { subject: dir, exitCode, hint });
}

/**
 * Makes sure `dir` is a place a drill may use: absolute, not `/`, a real directory (no symlink)
 * that only root can write, and empty but for images a killed drill left (removed here). Anything
 * else in it is refused: the drill mounts over it, and must never hide or touch someone's files.
 */
export async function prepareScratchDir(dir: string, log: (line: string) => void): Promise<string> {
  if (!isAbsolute(dir)) throw scratchError('drill-scratch-unsafe', dir, 'is not an absolute path', `pass --scratch ${DEFAULT_SCRATCH_DIR} or another absolute path`, ExitCode.usage);
  const path = resolve(dir);
  if (path === '/') throw scratchError('drill-scratch-unsafe', path, 'is the root directory', `pass --scratch with a directory of its own, e.g. ${DEFAULT_SCRATCH_DIR}`, ExitCode.usage);
  await mkdirPrivate(path);
  const st = await lstat(path);
  if (st.isSymbolicLink() || !st.isDirectory()) throw scratchError('drill-scratch-unsafe', path, 'is not a directory (a symbolic link is refused)', 'remove it, or pass --scratch with a real directory');
  if (process.getuid?.() === 0 && st.uid !== 0) throw scratchError('drill-scratch-unsafe', path, `is owned by uid ${st.uid}, not root`, `chown root:root ${path} && chmod 700 ${path}`);
  if ((st.mode & 0o022) !== 0) throw scratchError('drill-scratch-unsafe', path, `can be written by others (mode ${(st.mode & 0o777).toString(8)})`, `chmod 700 ${path}`);
  for (const name of await readdir(path)) {
    if (IMAGE.test(name)) {
      log(`removing ${name}, left in the scratch directory by a drill that was killed`);
      await unlink(join(path, name));
      continue;
    }
    throw scratchError('drill-scratch-not-empty', path, `holds ${JSON.stringify(name)}, which is not a drill's`, 'a drill mounts its scratch filesystem over this directory; give it an empty directory of its own (--scratch)');
  }
  return path;
}

/** Refuses to start when the filesystem of `dir` has less than `neededBytes` free. */
export async function assertRoom(dir: string, neededBytes: number): Promise<{ freeBytes: number }> {
  const fs = await statfs(dir);
  const freeBytes = Number(fs.bavail) * Number(fs.bsize);
  if (freeBytes < neededBytes) {
    throw scratchError('drill-scratch-full', dir, `needs ${formatBytes(neededBytes)} free for the restore, has ${formatBytes(freeBytes)}`,
      'free space there, point --scratch at a filesystem with room, or restore fewer subvolumes per drill (--budget-usd)');
  }
  return { freeBytes };
}

/**
 * True when this process runs in a mount namespace other than its parent's: the drill process is
 * started through unshare by `panther drill`, which stays in the namespace it was started in.
 */
export async function inPrivateMountNamespace(): Promise<boolean> {
  const [mine, parent] = await Promise.all([readlink('/proc/self/ns/mnt').catch(() => null), readlink(`/proc/${process.ppid}/ns/mnt`).catch(() => null)]);
  return mine !== null && parent !== null && mine !== parent;
}

export interface Scratch {
  mountpoint: string;
  imageBytes: number;
  release(): Promise<void>;
}

/** Creates, formats and mounts the scratch filesystem over `dir`. Only inside the drill's namespace. */
export async function mountScratch(dir: string, imageBytes: number): Promise<Scratch> {
  if (!(await inPrivateMountNamespace())) {
    throw new PantherError('drill-no-namespace', 'the scratch filesystem is mounted only inside the drill\'s private mount namespace', {
      hint: 'run the drill through `panther drill …`, which starts it in one (needs root and util-linux unshare)',
    });
  }
  const image = join(dir, `.panther-drill-${process.pid}.img`);
  const handle = await open(image, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    // No CoW for the image on a btrfs host: its writes would otherwise fragment the host's pool.
    await setNoCow(image).catch(() => undefined);
    await handle.truncate(imageBytes);
    await mkfsBtrfsImage(image, 'panther-drill');
    // The name goes before the mount: the open descriptor keeps the file, /proc/self/fd names it.
    await unlink(image);
    await mount(`/proc/${process.pid}/fd/${handle.fd}`, dir, ['loop', 'noatime']);
  } catch (error) {
    await unlink(image).catch(() => undefined);
    throw error;
  } finally {
    await handle.close();
  }
  return {
    mountpoint: dir, imageBytes,
    // The namespace's end unmounts too; this is the orderly way, and frees the space at once.
    release: () => umount(dir).catch(() => umount(dir, { lazy: true })),
  };
}
