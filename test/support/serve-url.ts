// The URL a `panther serve` child announces on stderr ("… on http://127.0.0.1:PORT/api/v1/…"),
// or its exit with what it said: for tests that start serve on port 0.
import type { ChildProcess } from 'node:child_process';

export function serveUrl(child: ChildProcess, exited: Promise<number | null>): { url: Promise<string>; stderr: () => string } {
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+)\/api\/v1\//.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`panther serve exited ${code}: ${stderr}`)));
  });
  return { url, stderr: () => stderr };
}
