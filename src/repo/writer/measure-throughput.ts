// Measures BackupWriter on a 256 MiB random + 256 MiB compressible stream into the local backend,
// then a restore and a second (fully deduplicated) run. Prints one JSON line.
//   npx node src/repo/writer/measure-throughput.ts [dir]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../backend/local.ts';
import { initRepository } from '../repository.ts';
import { compressible, pseudoRandom } from '../testing/pseudo-random.ts';

const MIB = 1024 * 1024;
const PIECE = 4 * MIB;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(process.argv[2] ?? tmpdir(), 'panther-throughput-'));
  // Data is made before timing starts (generating the text-like half is slower than backing it up).
  const pieces: Buffer[] = [];
  for (let i = 0; i < 64; i++) pieces.push(pseudoRandom(PIECE, `r${i}`));
  for (let i = 0; i < 64; i++) pieces.push(compressible(PIECE, `c${i}`));
  const total = pieces.length * PIECE;
  const stream = async function* () { for (const p of pieces) yield p; };
  let peakRss = 0;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
  const baseRss = process.memoryUsage().rss;
  try {
    const repo = await initRepository(new LocalBackend(dir), { host: 'bench', passphrase: 'bench', scryptLogN: 10 });
    const meta = { subvolume: '@bench', snapshot: { name: '@bench.1', uuid: 'u', time: new Date().toISOString() } };
    let t = performance.now();
    const first = await repo.backup(stream(), meta);
    const writeSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    let restored = 0;
    for await (const chunk of repo.restoreStream(first.manifestId)) restored += chunk.length;
    const restoreSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const second = await repo.backup(stream(), { ...meta, snapshot: { ...meta.snapshot, name: '@bench.2' } });
    const dedupSeconds = (performance.now() - t) / 1000;
    const mibs = (bytes: number, s: number): number => Math.round(bytes / MIB / s);
    console.log(JSON.stringify({
      streamMiB: total / MIB,
      backup: { mibPerSecond: mibs(total, writeSeconds), seconds: +writeSeconds.toFixed(2), storedBytes: first.progress.storedBytes, storedMiB: +(first.progress.storedBytes / MIB).toFixed(1), chunks: first.head.stream.chunks, packs: first.progress.packsUploaded },
      restore: { mibPerSecond: mibs(restored, restoreSeconds), seconds: +restoreSeconds.toFixed(2), ok: restored === total },
      dedupRun: { mibPerSecond: mibs(total, dedupSeconds), newBytes: second.progress.newBytes, storedBytes: second.progress.storedBytes },
      rssAboveDataMiB: Math.round((peakRss - baseRss) / MIB),
    }));
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
