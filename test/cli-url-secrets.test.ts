// A key pasted into a repository URL never reaches a message: not whole, not in pieces. B2 application
// keys hold '/' and '+', passwords hold '@' and ':', so random secrets of those (and '%' and non-ASCII)
// are put into every place of an s3:// URL a key ends up in by mistake, and every message of parsing
// and opening it (error message, hint, subject, --json) and of the CLI commands that take --repo
// (text and --json, stdout and stderr) is searched for the secret and for every 5-character piece of
// it. Five, not fewer: a 4-character piece of a random secret matches ordinary words of the messages
// by chance (measured: "REDE" of "PANTHER_S3_CREDENTIALS_FILE" in 1 of 6000 cases; 5 had none in
// 12000), and 4 characters of a 31-character key give nothing away.
// Nothing here reaches the network: the credentials file named by the environment does not exist, so
// every URL that parses fails at reading its credentials.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from './support/cli.ts';
import { parseS3Location } from '../src/repo/backend/s3-url.ts';
import { openBackend } from '../src/repo/backend/open.ts';
import { PantherError } from '../src/core/errors.ts';

const PIECE = 5;
const KEY_ID = '005f3c9a71be0d24e68b1c7a2';
const B2 = 'region=us-west-004';

/** URL shapes with the secret S where a key ends up by mistake; KEY_ID too wherever it stands before the '@'. */
const SHAPES: Array<(s: string) => string> = [
  (s) => `s3://${KEY_ID}:${s}@bucket/fleet?${B2}`,
  (s) => `s3://${KEY_ID}:${s}@bucket/fleet`,
  (s) => `s3://${s}@bucket/fleet?${B2}&credentials=/run/secrets/b2`,
  (s) => `s3://${KEY_ID}:se@${s}@bucket?${B2}`,
  (s) => `s3:/${KEY_ID}:${s}@bucket/fleet?${B2}`,
  (s) => `s3:${KEY_ID}:${s}@bucket`,
  (s) => `b2://${KEY_ID}:${s}@bucket/fleet`,
  (s) => `s3://bucket/fleet?${B2}&applicationKey=${s}`,
  (s) => `s3://bucket/fleet?${B2}&colour=${s}`,
  (s) => `s3://bucket/fleet?${B2}&${s}`,
  (s) => `s3://bucket/fleet?${B2}&credentials=${s}`,
  (s) => `s3://bucket/fleet?${B2}&credentials=/${s}`,
  (s) => `s3://bucket/fleet?region=${s}`,
  (s) => `s3://bucket/fleet?endpoint=${s}`,
  (s) => `s3://bucket/fleet?${B2}&endpoint=https://${KEY_ID}:${s}@s3.us-west-004.backblazeb2.com`,
  (s) => `s3://bucket/fleet?${B2}&partSize=${s}`,
  (s) => `s3://bucket/fleet?${B2}#${s}`,
  (s) => `s3://bucket/fleet?${B2}&credentials=/run/secrets/b2&queueSize=${s}&timeout=${s}`,
];

// Special characters first: fast-check favours the first entries, so most secrets are mostly them.
const CHARS = [...'/+@:%=Ж€éß日😀-_.', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];
const secretArb = fc.array(fc.constantFrom(...CHARS), { minLength: 8, maxLength: 40 }).map((a) => a.join(''))
  .filter((s) => /[/+@:%]|[^\x00-\x7f]/.test(s));

function leaks(output: string, secrets: readonly string[]): string[] {
  const found = new Set<string>();
  for (const secret of secrets) {
    const chars = [...secret];
    for (let i = 0; i + PIECE <= chars.length; i++) {
      const piece = chars.slice(i, i + PIECE).join('');
      if (output.includes(piece)) found.add(piece);
    }
  }
  return [...found];
}

function messagesOf(error: unknown): string {
  if (!(error instanceof PantherError)) return `NOT A PANTHER ERROR: ${String(error)}`;
  return [error.message, error.hint ?? '', error.subject ?? '', JSON.stringify(error.toJSON())].join('\n');
}

let dir: string;
let passphrase: string;
const saved: Record<string, string | undefined> = {};
const ENV = ['PANTHER_S3_CREDENTIALS_FILE', 'PANTHER_REPO', 'PANTHER_PLAN', 'PANTHER_PASSPHRASE_FILE'];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panther-url-secrets-'));
  passphrase = join(dir, 'passphrase');
  await writeFile(passphrase, 'correct horse battery staple\n');
  for (const name of ENV) saved[name] = process.env[name];
  delete process.env['PANTHER_REPO'];
  delete process.env['PANTHER_PASSPHRASE_FILE'];
  process.env['PANTHER_PLAN'] = join(dir, 'no-plan.json');
  process.env['PANTHER_S3_CREDENTIALS_FILE'] = join(dir, 'no-such-credentials');
});

after(async () => {
  for (const name of ENV) { if (saved[name] === undefined) delete process.env[name]; else process.env[name] = saved[name]; }
  await rm(dir, { recursive: true, force: true });
});

test('parsing and opening: no message holds the secret or a piece of it', async () => {
  await fc.assert(fc.asyncProperty(secretArb, fc.nat(SHAPES.length - 1), async (secret, shape) => {
    const url = SHAPES[shape]!(secret);
    const out: string[] = [];
    try { parseS3Location(url, process.env); } catch (error) { out.push(messagesOf(error)); }
    try { await openBackend(url); out.push(`opened ${url}?!`); } catch (error) { out.push(messagesOf(error)); }
    const text = out.join('\n');
    assert.deepEqual(leaks(text, [secret, KEY_ID]), [], `${url}\n${text}`);
    assert.doesNotMatch(text, /NOT A PANTHER ERROR|opened/);
  }), { numRuns: 400 });
});

test('the CLI: no output of a command taking --repo holds the secret or a piece of it, text or --json', async () => {
  const commands = [
    ['backup', 'list', '--host', 'h', '--passphrase-file', passphrase],
    ['backup', 'init', '--host', 'h', '--passphrase-file', passphrase],
    ['backup', 'check', '--host', 'h', '--passphrase-file', passphrase],
    ['restore', 'point', '--to', join(dir, 'restore'), '--host', 'h', '--passphrase-file', passphrase],
    ['doctor', 'remote', '--host', 'h'],
  ];
  await fc.assert(fc.asyncProperty(secretArb, fc.nat(SHAPES.length - 1), fc.nat(commands.length - 1), fc.boolean(), async (secret, shape, command, json) => {
    const url = SHAPES[shape]!(secret);
    const r = await runCli(...commands[command]!, '--repo', url, ...(json ? ['--json'] : []));
    assert.notEqual(r.code, 0, `${url} worked?`);
    assert.deepEqual(leaks(r.stdout + r.stderr, [secret, KEY_ID]), [], `panther ${commands[command]!.join(' ')} --repo ${url}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error/);
  }), { numRuns: 600 });
});

test('the reported leaks are caught: the old message of a key with "/" echoed the URL whole', () => {
  const secret = 'K005abc/def+ghi';
  const old = `repository URL s3://${KEY_ID}:${secret}@bucket/x: not a URL`;
  assert.deepEqual(leaks(old, [secret]).length > 0, true);
  assert.throws(() => parseS3Location(`s3://${KEY_ID}:${secret}@bucket/x?${B2}`, {}), (e: Error) => /holds credentials/.test(e.message) && leaks(messagesOf(e), [secret, KEY_ID]).length === 0);
});
