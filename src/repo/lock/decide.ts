// The rule (docs/FORMAT.md §6.3), a pure function of one observation. Safety rests only on "hold
// iff no live conflicting object is visible"; the age order and the `state` field only choose who
// steps back so that waiting contenders cannot wait for each other forever.
import type { LockEntry } from './observe.ts';
import type { LockKind } from './lock-object.ts';

export interface Contender {
  name: string;
  kind: LockKind;
  order: string;
}

export type Decision =
  | { action: 'hold'; reason: string }
  | { action: 'wait'; blocker: LockEntry; reason: string }
  | { action: 'withdraw'; blocker: LockEntry; reason: string }
  | { action: 'restart'; reason: string };

export function conflicts(a: LockKind, b: LockKind): boolean {
  return a === 'exclusive' || b === 'exclusive';
}

export function decide(self: Contender, observed: readonly LockEntry[]): Decision {
  if (!observed.some((e) => e.name === self.name)) {
    return { action: 'restart', reason: `own lock object ${self.name} is missing from the listing (removed by unlock --force, or judged expired)` };
  }
  const blocking = observed.filter((e) => e.name !== self.name && (e.status === 'live' || e.status === 'unreadable')
    && conflicts(self.kind, e.status === 'unreadable' ? 'exclusive' : e.kind));
  if (blocking.length === 0) return { action: 'hold', reason: `no live ${self.kind === 'exclusive' ? '' : 'exclusive '}lock besides ${self.name}` };
  const olderWaiter = blocking.find((e) => e.status === 'live' && e.content?.state === 'waiting' && e.order < self.order);
  if (olderWaiter !== undefined) {
    return { action: 'withdraw', blocker: olderWaiter, reason: `${olderWaiter.name} is older and waiting too; it goes first` };
  }
  const blocker = blocking.find((e) => e.content?.state === 'held') ?? blocking[0]!;
  return { action: 'wait', blocker, reason: `${blocker.name} ${blocker.status === 'unreadable' ? 'is unreadable' : 'is live'} and conflicts` };
}
