// Child process for the kill -9 test (test/integration/s3-resume.test.ts): opens the repository from
// an s3:// URL the way the CLI does (backup/open.ts: URL → credentials file → S3 backend + retries)
// and backs up a reproducible pseudo-random stream. The parent kills it mid-upload with SIGKILL.
// Argument: one JSON object { url, host, passphraseFile, size, seed }. Prints one JSON line per pack.
import { openRepo } from '../../src/backup/open.ts';
import { inReads, pseudoRandom } from '../../src/repo/testing/pseudo-random.ts';
import { meta } from '../../src/repo/testing/repos.ts';

interface ChildArgs {
  url: string;
  host: string;
  passphraseFile: string;
  size: number;
  seed: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const repo = await openRepo({ url: args.url, host: args.host, passphraseFile: args.passphraseFile });
let packs = 0;
const result = await repo.backup(inReads(pseudoRandom(args.size, args.seed), 256 * 1024, 9), meta(1), {
  onProgress: (p) => {
    if (p.packsUploaded === packs) return;
    packs = p.packsUploaded;
    process.stdout.write(`${JSON.stringify({ packs, storedBytes: p.storedBytes })}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ done: true, manifestId: result.manifestId })}\n`);
