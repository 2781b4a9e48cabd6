// NixOS `systemd.services.<name>` / `systemd.timers.<name>` values (as evaluated by
// test/support/eval-storage-module.nix) → unit files, written the way NixOS's systemd-lib writes them:
// a list value is one `Key=` line per element, booleans are true/false, `environment` becomes
// Environment= lines, `script` becomes the ExecStart= of a script file. systemd-analyze verify reads them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface NixosUnit {
  description?: string;
  wants: string[];
  after: string[];
  wantedBy: string[];
  onFailure: string[];
  environment?: Record<string, string>;
  script?: string;
  serviceConfig?: Record<string, unknown>;
  timerConfig?: Record<string, unknown>;
  restartIfChanged?: boolean;
}

const value = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v));

function lines(section: Record<string, unknown>): string[] {
  return Object.entries(section).flatMap(([key, v]) => (Array.isArray(v) ? v.map((e) => `${key}=${value(e)}`) : [`${key}=${value(v)}`]));
}

/** Writes `<name>.service` or `<name>.timer` into `dir`; a `script` goes to `<name>.sh` beside it. */
export async function writeNixosUnit(dir: string, name: string, kind: 'service' | 'timer', unit: NixosUnit): Promise<string> {
  const unitLines = ['[Unit]'];
  if (unit.description !== undefined) unitLines.push(`Description=${unit.description}`);
  if (unit.wants.length > 0) unitLines.push(`Wants=${unit.wants.join(' ')}`);
  if (unit.after.length > 0) unitLines.push(`After=${unit.after.join(' ')}`);
  if (unit.onFailure.length > 0) unitLines.push(`OnFailure=${unit.onFailure.join(' ')}`);
  const body: string[] = [];
  if (kind === 'service') {
    body.push('[Service]');
    for (const [k, v] of Object.entries(unit.environment ?? {})) body.push(`Environment="${k}=${v}"`);
    const config = { ...(unit.serviceConfig ?? {}) };
    if (unit.script !== undefined) {
      const script = join(dir, `${name}.sh`);
      await writeFile(script, `#!/bin/sh\n${unit.script}`, { mode: 0o755 });
      config['ExecStart'] = script;
    }
    body.push(...lines(config));
  } else {
    body.push('[Timer]', ...lines(unit.timerConfig ?? {}));
  }
  const install = unit.wantedBy.length > 0 ? ['', '[Install]', `WantedBy=${unit.wantedBy.join(' ')}`] : [];
  const file = join(dir, `${name}.${kind}`);
  await writeFile(file, [...unitLines, '', ...body, ...install, ''].join('\n'));
  return file;
}
