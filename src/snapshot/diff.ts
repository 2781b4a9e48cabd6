// What changed between two snapshots of one subvolume, read from btrfs itself: the metadata-only
// incremental send stream (send --no-data -p A B) names every created, written, renamed and removed
// path, so neither tree is walked. summarizeDump is pure; diffSnapshots is the edge call.
import { sendDump, type DumpEvent } from '../btrfs/index.ts';

export type ChangeKind = 'added' | 'deleted' | 'modified' | 'renamed';

export interface Change {
  path: string;
  kind: ChangeKind;
  /** For renames: the path in the older snapshot. */
  from?: string;
}

const CREATE = new Set(['mkfile', 'mkdir', 'mknod', 'mkfifo', 'mksock', 'symlink', 'link']);
const MODIFY = new Set(['write', 'update_extent', 'clone', 'truncate', 'chmod', 'chown', 'set_xattr', 'remove_xattr', 'fallocate', 'fileattr', 'encoded_write', 'enable_verity']);
const DELETE = new Set(['unlink', 'rmdir']);

export function summarizeDump(events: readonly DumpEvent[]): Change[] {
  // Paths in the stream are names at the moment of each operation: new inodes first appear under
  // temporary "oINO-GEN-N" names and are renamed into place; a renamed directory changes its children's names.
  const created = new Set<string>();
  const renamedFrom = new Map<string, string>(); // current name → name in the old snapshot
  const changes = new Map<string, Change>();
  const original = (path: string): string => {
    for (const [now, was] of renamedFrom) {
      if (path === now) return was;
      if (path.startsWith(`${now}/`)) return `${was}${path.slice(now.length)}`;
    }
    return path;
  };
  for (const e of events) {
    if (e.path === '' && !DELETE.has(e.command)) continue;
    if (CREATE.has(e.command)) { created.add(e.path); continue; }
    if (e.command === 'rename') {
      const dest = e.fields['dest'] ?? '';
      if (created.delete(e.path)) { created.add(dest); continue; }
      renamedFrom.set(dest, original(e.path));
      changes.set(dest, { path: dest, kind: 'renamed', from: original(e.path) });
      continue;
    }
    if (MODIFY.has(e.command) && !created.has(e.path) && !changes.has(e.path)) {
      changes.set(e.path, { path: e.path, kind: 'modified' });
      continue;
    }
    if (DELETE.has(e.command)) {
      if (created.delete(e.path)) continue;
      changes.delete(e.path);
      const was = original(e.path);
      changes.set(`deleted:${was}`, { path: was, kind: 'deleted' });
    }
  }
  for (const path of created) if (!/^o\d+-\d+-\d+$/.test(path.split('/').pop() ?? '')) changes.set(path, { path, kind: 'added' });
  return [...changes.values()].sort((a, b) => a.path.localeCompare(b.path) || a.kind.localeCompare(b.kind));
}

export async function diffSnapshots(older: string, newer: string): Promise<Change[]> {
  return summarizeDump(await sendDump(newer, older));
}
