// `btrfs balance status`: whether a balance is in progress. The tool exits 1 when one is (running or
// paused) and 0 when none is, so exit 1 is an answer here, not a failure.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError } from '../core/errors.ts';

export type BalanceState = 'none' | 'running' | 'paused';

export function parseBalanceStatus(text: string): BalanceState {
  if (/^No balance found on /m.test(text)) return 'none';
  const m = /^Balance on .* is (running|paused)/m.exec(text);
  if (m) return m[1] as BalanceState;
  throw new PantherError('unexpected-output', `btrfs balance status: cannot tell whether a balance runs from "${text.trim().slice(0, 120)}"`, {
    hint: 'this btrfs-progs version prints a format Panther does not know; please report it with `btrfs --version`',
  });
}

export async function balanceStatus(path: string): Promise<BalanceState> {
  safePath(path);
  const { stdout } = await run('btrfs', ['balance', 'status', '--', path], { subject: path, allowExit: [1], timeoutMs: 30_000 });
  return parseBalanceStatus(stdout);
}
