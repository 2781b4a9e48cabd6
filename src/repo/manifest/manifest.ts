// Manifests (docs/FORMAT.md §3.6): one per backup point. Plaintext = u32le(head length) || head
// JSON (UTF-8) || chunk table, the table being (chunkId[32] | rawLength u32le) per chunk in stream
// order. Binary table because a 1 TB stream has a million chunks (36 MB here, ~70 MB as JSON hex).
import { ObjectType } from '../crypto/envelope.ts';
import { openPayload, sealPayload } from '../crypto/sealed.ts';

export const MANIFEST_FORMAT = 'panther-manifest';
export const MANIFEST_VERSION = 1;
export const CHUNK_REF_BYTES = 36;

export interface SnapshotIdentity {
  /** Snapshot name as the snapshot layer knows it, e.g. "@home.20261124T0200". */
  name: string;
  /** btrfs subvolume UUID of the read-only snapshot that was sent. */
  uuid: string;
  /** ISO 8601 time the snapshot was taken. */
  time: string;
}

export interface ManifestHead {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  repository: string;
  host: string;
  subvolume: string;
  snapshot: SnapshotIdentity;
  /** Manifest id of the backup point this stream is incremental to; null for a full stream. */
  parent: string | null;
  created: string;
  tool: { name: string; version: string };
  stream: { size: number; sha256: string; chunks: number };
  stored: { newChunks: number; newBytes: number; storedBytes: number };
  /** Caller-defined JSON (e.g. send stream version, received UUIDs); opaque to the repository. */
  extra?: Record<string, unknown>;
}

export interface Manifest {
  head: ManifestHead;
  /** CHUNK_REF_BYTES per chunk. */
  chunks: Buffer;
}

export function chunkCount(manifest: Manifest): number {
  return manifest.chunks.length / CHUNK_REF_BYTES;
}

export function chunkRef(manifest: Manifest, i: number): { id: Buffer; rawLength: number } {
  const at = i * CHUNK_REF_BYTES;
  return { id: manifest.chunks.subarray(at, at + 32), rawLength: manifest.chunks.readUInt32LE(at + 32) };
}

export function encodeManifest(manifest: Manifest): Buffer {
  const head = Buffer.from(JSON.stringify(manifest.head), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  return Buffer.concat([length, head, manifest.chunks]);
}

export function decodeManifest(plain: Buffer): Manifest {
  if (plain.length < 4) throw new Error('manifest is too short');
  const headLength = plain.readUInt32LE(0);
  if (4 + headLength > plain.length) throw new Error('manifest head runs past the end');
  const head = JSON.parse(plain.subarray(4, 4 + headLength).toString('utf8')) as ManifestHead;
  if (head.format !== MANIFEST_FORMAT) throw new Error(`not a manifest (format ${JSON.stringify(head.format)})`);
  if (head.version !== MANIFEST_VERSION) throw new Error(`unsupported manifest version ${head.version}`);
  const chunks = plain.subarray(4 + headLength);
  if (chunks.length % CHUNK_REF_BYTES !== 0) throw new Error('chunk table is not a whole number of entries');
  if (chunks.length / CHUNK_REF_BYTES !== head.stream.chunks) throw new Error('chunk table length disagrees with the head');
  return { head, chunks };
}

export function sealManifest(objectRoot: Uint8Array, manifest: Manifest, level: number): Buffer {
  return sealPayload(objectRoot, ObjectType.manifest, encodeManifest(manifest), level);
}

export function openManifest(objectRoot: Uint8Array, bytes: Uint8Array): Manifest {
  return decodeManifest(openPayload(objectRoot, ObjectType.manifest, bytes));
}
