// The hard-link structure of two trees: which paths share an inode. Inode numbers differ between a
// source and its restored copy, so the comparison is of groups of paths, not of numbers. Pure.

export interface LinkGroupFinding {
  /** not-linked: these source paths share one inode, but not (or not only with each other) in the copy.
   *  unexpected: these copy paths share an inode although no source group explains it. */
  kind: 'not-linked' | 'unexpected';
  /** Path keys (see names.ts), sorted. */
  paths: string[];
}

/**
 * Groups are the paths of one inode found in a tree (files with nlink > 1). A group of one says
 * nothing about structure inside the tree (its other links are outside, e.g. when comparing a
 * sub-directory) and is ignored. Each source group must be exactly one copy group; a copy group
 * sharing no path with a source group is unexpected. One finding per group, so one broken link
 * is one difference, not two.
 */
export function compareLinkGroups(source: Iterable<readonly string[]>, restored: Iterable<readonly string[]>): LinkGroupFinding[] {
  const a = normalise(source);
  const b = normalise(restored);
  const groupOf = new Map<string, number>();
  b.forEach((group, i) => { for (const path of group) groupOf.set(path, i); });
  const explained = new Set<number>();
  const findings: LinkGroupFinding[] = [];
  for (const group of a) {
    const ids = new Set(group.map((path) => groupOf.get(path) ?? -1));
    for (const id of ids) if (id >= 0) explained.add(id);
    const [only] = ids;
    if (ids.size !== 1 || only === -1 || b[only!]!.length !== group.length) findings.push({ kind: 'not-linked', paths: group });
  }
  b.forEach((group, i) => { if (!explained.has(i)) findings.push({ kind: 'unexpected', paths: group }); });
  return findings;
}

function normalise(groups: Iterable<readonly string[]>): string[][] {
  const out: string[][] = [];
  for (const group of groups) if (group.length > 1) out.push([...group].sort(byBytes));
  return out.sort((x, y) => byBytes(x[0]!, y[0]!));
}

/** Keys are latin1 (one char per byte), so code-unit order is byte order. */
function byBytes(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
