// The `btrfs send` options of every backup, in one place: `panther backup run` and the benchmark's
// panther entry (bench/panther-child.ts) both send with these, so the benchmark measures what a
// backup does. Protocol 2: holes travel as holes (fallocate punch), so sparse files stay sparse
// after restore.
import type { SendOptions } from '../btrfs/index.ts';

export const BACKUP_SEND_OPTIONS: Readonly<Pick<SendOptions, 'protocol2' | 'compressedData'>> = { protocol2: true };
