// Repository parameters fixed at init and stored in the config (docs/FORMAT.md §3.1). Defaults:
// chunks 512 KiB / 1 MiB / 8 MiB (restic's range; docs/knowledge/node-deps.md §4 measured FastCDC at this size),
// zstd level 3, packs of 32 MiB (B2: ~13 s each at 10 Mbit/s, few objects, small loss on a crash).
import { PantherError, ExitCode } from '../core/errors.ts';

export interface ChunkerParams {
  min: number;
  avg: number;
  max: number;
}

export interface RepositoryParams {
  chunker: ChunkerParams;
  compressionLevel: number;
  packSize: number;
}

export const DEFAULT_PARAMS: RepositoryParams = {
  chunker: { min: 512 * 1024, avg: 1024 * 1024, max: 8 * 1024 * 1024 },
  compressionLevel: 3,
  packSize: 32 * 1024 * 1024,
};

const MIB = 1024 * 1024;

export function mergeParams(partial: Partial<RepositoryParams> | undefined): RepositoryParams {
  const params: RepositoryParams = {
    chunker: { ...DEFAULT_PARAMS.chunker, ...partial?.chunker },
    compressionLevel: partial?.compressionLevel ?? DEFAULT_PARAMS.compressionLevel,
    packSize: partial?.packSize ?? DEFAULT_PARAMS.packSize,
  };
  const problems = paramProblems(params);
  if (problems.length > 0) {
    throw new PantherError('bad-params', `repository parameters: ${problems.join('; ')}`, {
      exitCode: ExitCode.usage,
      hint: 'chunker.avg must be a power of two with min < avg < max ≤ 64 MiB; packSize ≥ 2 × chunker.max',
      details: { problems },
    });
  }
  return params;
}

/** Every reason the parameters are unusable (empty when fine). */
export function paramProblems(p: RepositoryParams): string[] {
  const problems: string[] = [];
  const { min, avg, max } = p.chunker;
  for (const [key, value] of Object.entries({ min, avg, max, packSize: p.packSize, compressionLevel: p.compressionLevel })) {
    if (!Number.isSafeInteger(value)) problems.push(`${key} must be an integer`);
  }
  if (!(avg >= 256 && (avg & (avg - 1)) === 0)) problems.push('chunker.avg must be a power of two ≥ 256');
  if (!(min >= 64 && min < avg && avg < max)) problems.push('need 64 ≤ chunker.min < chunker.avg < chunker.max');
  if (max > 64 * MIB) problems.push('chunker.max must be ≤ 64 MiB');
  if (p.packSize < 2 * max) problems.push('packSize must be at least 2 × chunker.max');
  if (p.packSize > 1024 * MIB) problems.push('packSize must be ≤ 1 GiB (offsets are 32-bit)');
  if (p.compressionLevel < 1 || p.compressionLevel > 19) problems.push('compressionLevel must be 1..19');
  return problems;
}
