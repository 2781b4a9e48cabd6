// Plans: a host's storage plan from a profile, its inventory entry and (optionally) its hardware report.
// Entry comment only (no re-exports): import the file you need.
//
// What it owns: profiles as data (profiles.json, builtin-profiles.ts, profiles.ts for `--profiles FILE`
// with `extends`), the inventory (inventory.ts) and its names checked against the profile
// (check-entry.ts), matching report disks to the inventory's (assign-disks.ts), `planHost` (plan-host.ts)
// that turns all of it into a `StoragePlan` (types.ts: pools, subvolumes, CoW, compression, mount options,
// snapshot tiers, backup frequency and window, objectives), the defaults per kind of data (workloads.ts),
// the schemas every plan, inventory and profile file is read through (schema.ts, read-plan.ts), and lint/,
// which judges a plan (one rule per file). Pure apart from reading those files.
//
// What it may import (test/architecture.test.ts): core/ and facter/ (the HostReport). Everything after it
// (render/, provision/, snapshot/, backup/, cost/) imports plan/, never the reverse.
//
// Where to start: types.ts (the plan's shape), plan-host.ts, workloads.ts; lint/index.ts for the rules.
export {};
