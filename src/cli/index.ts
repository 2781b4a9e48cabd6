// The command line: parses argv, calls the domain folders, prints. Entry comment only (no re-exports); the
// program starts in panther.js (the executable: turns on the compile cache) and main.ts.
//
// What it owns: main.ts (find the command, parse its flags strictly with node:util parseArgs, run it,
// map a PantherError to its exit code once, scrub secrets from all output), route.ts (pure: which
// command or group an argv names, also used to check every `panther …` in hints), commands/ (one file
// per command, registered in commands/table.ts and commands/index.ts; docs/CLI.md documents each one), the shared flag sets
// and how they turn into inputs (plan-input.ts: the one way to obtain a plan; repo-options.ts,
// snapshot-context.ts, state-host.ts, device-map.ts) and output/ (human views and progress on stderr).
//
// What it may import (test/architecture.test.ts): anything under src/; nothing imports cli/. Commands
// parse and print; decisions belong in the domain folders, and a command never imports another command.
//
// Where to start: main.ts, then commands/table.ts (routing), commands/index.ts (help) and the command
// at hand; command.ts is the shape every command file exports (`emit` prints the --json document or the text).
export {};
