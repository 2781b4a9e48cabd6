// Proves a restore: a digest over every entry below a root (relative path, type, mode, size,
// content hash; symlink targets), compared with the snapshot's. Not timed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeDigest {
  digest: string;
  files: number;
  bytes: number;
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function treeDigest(root: string): Promise<TreeDigest> {
  const whole = createHash('sha256');
  const result = { files: 0, bytes: 0 };
  const walk = async (dir: string, rel: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        whole.update(`d ${relPath} ${mode}\n`);
        await walk(path, relPath);
      } else if (st.isSymbolicLink()) {
        whole.update(`l ${relPath} ${await readlink(path)}\n`);
      } else if (st.isFile()) {
        whole.update(`f ${relPath} ${mode} ${st.size} ${await fileHash(path)}\n`);
        result.files += 1;
        result.bytes += st.size;
      } else {
        whole.update(`o ${relPath} ${mode}\n`);
      }
    }
  };
  await walk(root, '');
  return { digest: whole.digest('hex'), ...result };
}
