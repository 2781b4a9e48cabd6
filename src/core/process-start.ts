// When a process started, as the kernel counts it (field 22 of /proc/<pid>/stat, clock ticks since
// boot): with the pid, it names one process, so a pid reused by another one is not mistaken for it.
import { readFile } from 'node:fs/promises';

/** The process's start time, or null when there is no such process. */
export async function processStartTicks(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The command name (field 2) may contain spaces and parentheses: count from the last ")".
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}
