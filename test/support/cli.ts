// Runs the CLI in-process and captures what it prints, for end-to-end tests of commands.
// Commands without a --state-dir flag (the snapshot commands record their metrics there) would
// otherwise write the machine's /var/lib/panther/state: tests get a state directory of their own.
import './isolate-state.ts';
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/command.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (only when the command printed JSON). */
  json: () => any;
}

export async function runCli(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => { stdout += t.endsWith('\n') ? t : `${t}\n`; },
    err: (t) => { stderr += t.endsWith('\n') ? t : `${t}\n`; },
    json: false,
    tty: false,
  };
  const code = await main(argv, io);
  const json = (): any => {
    try {
      return JSON.parse(stdout);
    } catch {
      throw new Error(`panther ${argv.join(' ')} (exit ${code}) printed no JSON.\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
  };
  return { code, stdout, stderr, json };
}
