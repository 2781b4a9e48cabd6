// Core: the words every folder shares, and nothing that knows about storage. Entry comment only (no
// re-exports): import the file you need.
//
// What it owns: `PantherError` and the exit codes (errors.ts), byte sizes as users write and read them
// (bytes.ts), write-then-rename with fsync (atomic-write.ts), root-only directories whatever the umask
// (private-dir.ts), the warning for secret files others can read (secret-file.ts), how every message
// shows a repository URL (redact-url.ts), and turning a zod schema's findings into one PantherError
// naming the file and each bad path (schema.ts).
//
// What it may import (test/architecture.test.ts): nothing else under src/; only node: built-ins and zod.
// Every other folder may import core/. A helper belongs here only when two or more folders need it
// and it holds no domain decision.
//
// Where to start: errors.ts (every failure a user can fix is a PantherError with a code, a subject, a
// hint and an exit code; docs/CLI.md lists them).
export {};
