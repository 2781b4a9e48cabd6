// The `btrfs send` options of every backup, in one place: `panther backup run` and the benchmark's
// panther entry (bench/panther-child.ts) both send with these, so the benchmark measures what a
// backup does. Protocol 2: holes travel as holes (fallocate punch), so sparse files stay sparse
// after restore. Compressed data: extents btrfs stores compressed (pools mount compress=zstd) go
// into the stream as they are on disk (ENCODED_WRITE), so there is less to read, chunk, hash,
// compress and encrypt (bench dataset: stream −29 %, CPU −31 %; but +9 % stored, since btrfs
// compresses 128 KiB extents alone). `btrfs receive` writes them back compressed, or decompresses
// itself where the target refuses encoded writes (test/integration/backup-compressed-send.test.ts).
import type { SendOptions } from '../btrfs/index.ts';

export const BACKUP_SEND_OPTIONS: Readonly<Pick<SendOptions, 'protocol2' | 'compressedData'>> = { protocol2: true, compressedData: true };

/** What the manifest's `extra` says about the stream, so a reader knows which receive can take it. */
export const BACKUP_SEND_EXTRA = { sendProtocol: 2, sendCompressedData: true } as const;
