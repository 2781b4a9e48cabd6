// The fixed inputs of the format fixtures in test/fixtures/format/ (docs/FORMAT.md §9). Test-only
// secrets: this master key, passphrase and identity protect nothing but the fixtures.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { compressible, pseudoRandom } from '../testing/pseudo-random.ts';
import type { RepositoryParams } from '../params.ts';

export const FIXTURE_DIR = resolve(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'format');
export const FIXTURE_HOST = 'fixture';
export const FIXTURE_PASSPHRASE = 'panther fixture passphrase';
export const FIXTURE_SCRYPT_LOG_N = 12;
export const FIXTURE_MASTER_KEY = createHash('sha256').update('panther fixture master key v1').digest();
export const FIXTURE_REPOSITORY_ID = createHash('sha256').update('panther fixture repository id v1').digest('hex').slice(0, 32);
export const FIXTURE_CREATED = '2026-11-24T02:00:00.000Z';
export const FIXTURE_PARAMS: RepositoryParams = {
  chunker: { min: 1024, avg: 4096, max: 16384 },
  compressionLevel: 3,
  packSize: 32 * 1024,
};

/** The two streams stored in the fixture repository: a full one and an incremental one. */
export function fixtureStreams(): { full: Buffer; incremental: Buffer } {
  const full = Buffer.concat([pseudoRandom(40_000, 'fixture-full'), compressible(60_000, 'fixture-full')]);
  const incremental = Buffer.concat([full.subarray(0, 30_000), pseudoRandom(5_000, 'fixture-incr'), full.subarray(30_000, 70_000)]);
  return { full, incremental };
}
