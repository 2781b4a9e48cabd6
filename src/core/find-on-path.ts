// Where a program is, found the way execvp(3) would: the first executable of that name in a PATH
// directory (empty entries skipped). The one copy for the renderers' verifiers, the demo, the tests'
// requirement checks and the benchmark.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The program's full path, or null. `extraDirs` are searched after PATH (e.g. Debian's postgres bin). */
export function findOnPath(program: string, extraDirs: readonly string[] = [], path = process.env['PATH'] ?? ''): string | null {
  for (const dir of [...path.split(delimiter), ...extraDirs]) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch { /* next */ }
  }
  return null;
}
