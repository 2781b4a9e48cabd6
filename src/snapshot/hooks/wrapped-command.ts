// Runs the user's command for `panther snapshot wrap`, with the terminal passed through, and reports
// its exit code (or the signal that ended it) without ever going through a shell.
import { spawn } from 'node:child_process';
import { PantherError } from '../../core/errors.ts';

export function runWrapped(argv: readonly string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new PantherError('usage', 'wrap needs a command after --', { exitCode: 2, hint: 'panther snapshot wrap -- nixos-rebuild switch' }));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', shell: false });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new PantherError('wrap-failed', `${cmd}: ${error.code === 'ENOENT' ? 'command not found' : error.message}`, { cause: error, hint: 'check the command name and PATH' }));
    });
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal))));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 1;
}
