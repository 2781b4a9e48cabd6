// Snapshots: the local half of data protection. Entry comment only (no re-exports): import the file you
// need.
//
// What it owns: creating read-only snapshots with the plan's hooks around them (engine.ts, hooks/),
// naming them `<subvolume>.<UTC time>` (naming.ts) and laying them out one directory per subvolume in each
// pool's snapshot subvolume with a JSON sidecar each (store.ts, meta-schema.ts: the sidecars are the
// catalog), which tiers are due now (due.ts, pure), timeline retention (retention/, pure; docs/RETENTION.md),
// pins and holds, what changed between two snapshots (diff.ts), bringing files back without following a
// link (restore-file.ts) and the host-wide run lock (lock.ts, a flock(2) through btrfs/flock.ts).
//
// What it may import (test/architecture.test.ts): core/, plan/ (the schedule and subvolumes), btrfs/, and
// its parts hooks/ and retention/, which take only types from here. Never backup/ or repo/: the backup
// engine builds on snapshots, not the reverse (it protects the parents it needs with holds).
//
// Where to start: engine.ts (create, the timeline run, prune, delete, pin, wrap), then store.ts;
// retention/index.ts and hooks/index.ts have their own entry comments.
export {};
