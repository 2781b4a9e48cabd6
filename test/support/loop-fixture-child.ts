// Child process for the fixture's signal test: builds a loop btrfs with a nested mount, reports
// where it lives on stdout, then waits to be killed. Not a test file.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createLoopBtrfs } from './loop-btrfs.ts';
import { createSubvolume } from '../../src/btrfs/subvolume.ts';
import { mount } from '../../src/btrfs/mount.ts';

const fs = await createLoopBtrfs({ sizeMiB: 128 });
await createSubvolume(join(fs.mountPoint, '@inner'));
const inner = join(fs.dir, 'inner');
await mkdir(inner);
await mount(fs.devices[0]!, inner, ['subvol=@inner']);
process.stdout.write(`${JSON.stringify({ dir: fs.dir, devices: fs.devices })}\n`);
setInterval(() => {}, 60_000);
