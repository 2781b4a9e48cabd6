// A drill runs in a process of its own inside a private mount namespace:
//   setpriv --pdeathsig KILL -- unshare --mount --propagation private -- node inner.ts REQUEST RESULT
// Its mounts (the scratch filesystem) exist only there, and when its last process ends, however it
// ends, the kernel unmounts them and the loop device lets go of the image. --pdeathsig ties the
// drill to the command that started it: if that one is killed, so is the drill, and the database
// servers it started go the same way (they get the same death signal, databases/). The parent never
// mounts anything, so it has nothing to clean up; it records what the child reports, or that it died.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { missingTool } from '../btrfs/failure.ts';

const CMD = 'setpriv';
const NAMESPACE_CMD = 'unshare';

export const INNER_SCRIPT = fileURLToPath(new URL('./inner.ts', import.meta.url));

/** Node's own flags for the drill process: loaders and warnings as ours, never a test runner's or a debugger's. */
export function innerExecArgv(execArgv: readonly string[]): string[] {
  return execArgv.filter((a) => !/^--(test|watch|inspect|experimental-test)/.test(a));
}

export interface InnerExit { code: number | null; signal: NodeJS.Signals | null }

/** `quiet`: the drill's progress lines (stderr) are dropped, for callers that report the result themselves. */
export function runInNamespace(requestFile: string, resultFile: string, quiet = false): Promise<InnerExit> {
  const argv = ['--pdeathsig', 'KILL', '--', NAMESPACE_CMD, '--mount', '--propagation', 'private', '--',
    process.execPath, ...innerExecArgv(process.execArgv), INNER_SCRIPT, requestFile, resultFile];
  return new Promise((resolve, reject) => {
    const child = spawn(CMD, argv, { stdio: ['ignore', 'inherit', quiet ? 'ignore' : 'inherit'], shell: false });
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? missingTool(CMD, error) : error));
    // The child gets SIGINT/SIGTERM from the terminal or systemd itself (same group, same cgroup);
    // the parent waits for it to clean up and say how it ended.
    const ignore = (): void => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    child.on('close', (code, signal) => {
      process.removeListener('SIGINT', ignore);
      process.removeListener('SIGTERM', ignore);
      resolve({ code, signal });
    });
  });
}
