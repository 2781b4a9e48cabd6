// The encryption check's edge: reads raw stored objects of a host's repository through its Backend
// (as a bucket holder would see them, never decrypted) and looks for plaintext markers in them.
// Manifests and index segments are read whole (small: 36 bytes per chunk, 44 per index entry), up to
// maxMetadataBytes; then packs, from their start, up to maxBytes: the given ones (e.g. the packs
// the restored chain uses), else a seeded sample of the listing. Every byte read is counted: on a
// remote repository it is a download the drill's budget pays for.
import { ExitCode, PantherError } from '../core/errors.ts';
import { seededRandom } from '../core/prng.ts';
import type { Backend } from '../repo/index.ts';
import { assertHost, idFromName, isObjectId, kindPrefix, objectName } from '../repo/names.ts';
import { MarkerScanner } from './markers.ts';

export interface ScanObjectsOptions {
  /** Pack bytes to read at most. */
  maxBytes: number;
  /** Manifest and index bytes to read at most. Default 64 MiB. */
  maxMetadataBytes?: number;
  /** Pack ids (64 hex digits) to read; default: packs of the listing in a seeded order. */
  packs?: readonly string[];
  /** Chooses the packs when `packs` is not given. Default "". */
  seed?: string;
  signal?: AbortSignal;
}

export interface ObjectScan {
  objectsScanned: number;
  bytesScanned: number;
  /** How many different markers occur in the objects read (0 = none: the check passes). */
  found: number;
  /** Indices of those markers, ascending. */
  markersFound: number[];
  /** Names of the first objects a marker was found in (at most 10). */
  foundIn: string[];
}

const DEFAULT_METADATA_BYTES = 64 * 1024 * 1024;
const FOUND_IN_LIMIT = 10;

export async function scanRepositoryObjects(backend: Backend, host: string, markers: readonly Uint8Array[], options: ScanObjectsOptions): Promise<ObjectScan> {
  assertHost(host);
  for (const [what, value] of [['maxBytes', options.maxBytes], ['maxMetadataBytes', options.maxMetadataBytes ?? 0]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new PantherError('drill-scan-bad-option', `${what} must be a whole number of bytes ≥ 0, not ${value}`, { exitCode: ExitCode.usage });
  }
  const bad = options.packs?.find((id) => !isObjectId(id));
  if (bad !== undefined) throw new PantherError('drill-scan-bad-pack-id', `${JSON.stringify(bad.slice(0, 80))} is not a pack id (64 lowercase hex digits)`, { exitCode: ExitCode.usage });

  const scanner = new MarkerScanner(markers);
  const scan: ObjectScan = { objectsScanned: 0, bytesScanned: 0, found: 0, markersFound: [], foundIn: [] };
  const read = async (name: string, budget: number): Promise<number> => {
    stopIfAborted(options.signal, name);
    const before = scanner.found().length;
    scanner.reset();
    let bytes = 0;
    for await (const chunk of backend.getStream(name, { offset: 0, length: budget })) {
      stopIfAborted(options.signal, name);
      scanner.push(chunk);
      bytes += chunk.length;
    }
    scan.objectsScanned++;
    scan.bytesScanned += bytes;
    if (scanner.found().length > before && scan.foundIn.length < FOUND_IN_LIMIT) scan.foundIn.push(name);
    return bytes;
  };

  let metadataLeft = options.maxMetadataBytes ?? DEFAULT_METADATA_BYTES;
  for (const kind of ['manifests', 'index'] as const) {
    for await (const info of backend.list(kindPrefix(host, kind))) {
      if (metadataLeft <= 0) break;
      if (idFromName(host, kind, info.name) === undefined || info.size === 0) continue;
      metadataLeft -= await read(info.name, Math.min(info.size, metadataLeft));
    }
  }

  let packsLeft = options.maxBytes;
  for (const name of options.packs?.map((id) => objectName(host, 'packs', id)) ?? await sampledPacks(backend, host, options.seed ?? '')) {
    if (packsLeft <= 0) break;
    packsLeft -= await read(name, packsLeft);
  }
  scan.markersFound = scanner.found();
  scan.found = scan.markersFound.length;
  return scan;
}

/** Every pack name, in an order fixed by the seed (a Fisher–Yates shuffle of the listing). */
async function sampledPacks(backend: Backend, host: string, seed: string): Promise<string[]> {
  const names: string[] = [];
  for await (const info of backend.list(kindPrefix(host, 'packs'))) if (idFromName(host, 'packs', info.name) !== undefined) names.push(info.name);
  const random = seededRandom(`packs:${seed}`);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  return names;
}

function stopIfAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted === true) throw new PantherError('interrupted', `scanning the repository's objects was interrupted (at ${name})`, { subject: name, exitCode: ExitCode.interrupted, cause: signal.reason });
}
