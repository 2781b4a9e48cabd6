// Backups: where btrfs send streams meet the repository. Entry comment only (no re-exports): import the
// file you need.
//
// What it owns: which snapshot of a subvolume is due for a backup point (due.ts, pure), full or
// incremental and against which parent (chain.ts, pure), sending inside the night's window with a
// forecast of the nights an upload still needs (run.ts, window.ts, window-stop.ts, window-progress.ts,
// forecast.ts, forecast-upload.ts), the holds that keep the next parent snapshot on disk (holds.ts),
// which points to keep and pruning them (point-retention.ts, pure; prune.ts), restore into a staging
// directory that only a verified result leaves (restore.ts), the host's record of completed points that
// `backup check` compares with (point-record.ts), and opening a repository from a URL and secret files
// (open.ts, hosts.ts) with the repository locks around each operation (repo-lock.ts).
//
// What it may import (test/architecture.test.ts): core/, plan/, btrfs/ (send, receive), snapshot/ and
// snapshot/retention/, repo/ (its index.ts surface) and repo/lock/, cost/ (the nightly job records the
// ledger). Not cli/, provision/ or render/; not the keys or a raw backend (open.ts and hosts.ts are the
// recorded exceptions until the backend stack is built in repo/backend/).
//
// Where to start: run.ts (`panther backup run`), then chain.ts and due.ts for the decisions, restore.ts
// for the way back; docs/DECISIONS.md "Backups" says why chains are bounded by periodic full sends.
export {};
