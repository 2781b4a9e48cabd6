// Two directory trees compared entry by entry: type, mode, owner, size, content, link target.
// Used by the demo and the backup tests to prove a restore is identical to its source.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

async function digest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function compareTrees(a: string, b: string, rel = ''): Promise<string[]> {
  const differences: string[] = [];
  const [sa, sb] = await Promise.all([lstat(join(a, rel)), lstat(join(b, rel)).catch(() => null)]);
  const name = rel === '' ? '.' : rel;
  if (sb === null) return [`${name}: missing`];
  if ((sa.mode & 0o170000) !== (sb.mode & 0o170000)) return [`${name}: type differs`];
  if ((sa.mode & 0o7777) !== (sb.mode & 0o7777)) differences.push(`${name}: mode ${sa.mode.toString(8)} vs ${sb.mode.toString(8)}`);
  if (sa.uid !== sb.uid || sa.gid !== sb.gid) differences.push(`${name}: owner differs`);
  if (sa.isSymbolicLink()) {
    if (await readlink(join(a, rel)) !== await readlink(join(b, rel))) differences.push(`${name}: link target differs`);
  } else if (sa.isFile()) {
    if (sa.size !== sb.size) differences.push(`${name}: size ${sa.size} vs ${sb.size}`);
    else if (await digest(join(a, rel)) !== await digest(join(b, rel))) differences.push(`${name}: content differs`);
  } else if (sa.isDirectory()) {
    const [ea, eb] = await Promise.all([readdir(join(a, rel)), readdir(join(b, rel))]);
    for (const extra of eb.filter((x) => !ea.includes(x))) differences.push(`${join(rel, extra)}: unexpected`);
    for (const child of ea.sort()) differences.push(...(await compareTrees(a, b, join(rel, child))));
  }
  return differences;
}
