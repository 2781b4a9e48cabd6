// Who may do what: a read token for the read endpoints, an admin token for those that change state
// (admin satisfies read too). Tokens come from files (never argv: `ps` shows argv to every user),
// are compared in constant time on equal-length SHA-256 digests, and never appear in a log line.
//
// CSRF: state-changing requests must carry `X-Panther-CSRF` with the value GET /api/v1/session hands
// to the same token's holder (an HMAC of the token under a key made when the server starts), and an
// Origin header, when the browser sends one, must name the host the request was sent to. A page on
// another origin can neither read that value nor set a custom header without a CORS preflight, which
// this server never grants. (Chosen over a double-submit cookie: the API sets no cookies at all.)
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { PantherError, ExitCode } from '../core/errors.ts';
import { warnIfSecretOpen } from '../core/secret-file.ts';
import { HttpError } from './errors.ts';

export type Role = 'read' | 'admin';

export const CSRF_HEADER = 'x-panther-csrf';
/** Shorter tokens are guessable within the rate limit's patience; `openssl rand -hex 32` gives 64. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time equality of two secrets: both hashed first, so their lengths leak nothing either. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export interface Tokens {
  read: string | null;
  admin: string | null;
}

function tokenError(path: string, why: string, hint: string): PantherError {
  return new PantherError('serve-token-file', `token file ${path}: ${why}`, { subject: path, exitCode: ExitCode.usage, hint });
}

/**
 * One token from its file: a regular file (not a link), readable by nobody but its owner and group,
 * one line of at least MIN_TOKEN_LENGTH printable characters. World-readable files are refused (any
 * local user could take the token); group-readable ones warn, as the other secret files do.
 */
export async function readTokenFile(path: string, warn: (line: string) => void): Promise<string> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    throw tokenError(path, `cannot read it (${error.code ?? error.message})`, 'create it: openssl rand -hex 32 > FILE; chmod 600 FILE');
  });
  if (info.isSymbolicLink() || !info.isFile()) throw tokenError(path, 'not a regular file', 'give the path of the file itself, not a link or a directory');
  if ((info.mode & 0o004) !== 0) throw tokenError(path, `mode 0${(info.mode & 0o777).toString(8)} lets every user read it`, `chmod 600 ${path}`);
  await warnIfSecretOpen(path, 'the token', warn);
  const text = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  if (text.includes('\n')) throw tokenError(path, 'more than one line', 'the file holds one token on one line');
  if (!/^[\x21-\x7e]+$/.test(text)) throw tokenError(path, text === '' ? 'empty' : 'holds spaces or control characters', 'openssl rand -hex 32 > FILE');
  if (text.length < MIN_TOKEN_LENGTH) throw tokenError(path, `the token has ${text.length} characters, fewer than ${MIN_TOKEN_LENGTH}`, 'openssl rand -hex 32 > FILE');
  return text;
}

export function checkTokens(tokens: Tokens): void {
  if (tokens.read === null && tokens.admin === null) {
    throw new PantherError('serve-no-token', 'panther serve needs a token file: --read-token-file, --admin-token-file or both', {
      exitCode: ExitCode.usage, hint: 'openssl rand -hex 32 > /run/secrets/panther-read; chmod 600 it; pass --read-token-file (and --admin-token-file for changes)',
    });
  }
  if (tokens.read !== null && tokens.admin !== null && sameSecret(tokens.read, tokens.admin)) {
    throw new PantherError('serve-same-tokens', 'the read token and the admin token are the same', {
      exitCode: ExitCode.usage, hint: 'make a separate admin token: anyone who may read could otherwise change state',
    });
  }
}

export interface Authenticator {
  /** The role the Authorization header grants, or a 401. */
  roleOf(authorization: string | undefined): Role;
  /** The CSRF value for the holder of this Authorization header. */
  csrfFor(authorization: string): string;
  csrfMatches(authorization: string, presented: string | undefined): boolean;
}

const unauthorized = (message: string): HttpError => new HttpError(401, 'unauthorized', message,
  'send Authorization: Bearer TOKEN with the read or admin token of this host', { 'www-authenticate': 'Bearer realm="panther"' });

export function authenticator(tokens: Tokens): Authenticator {
  const key = randomBytes(32);
  const bearer = (header: string | undefined): string | null => {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header ?? '');
    return m === null ? null : m[1]!;
  };
  return {
    roleOf(authorization) {
      const token = bearer(authorization);
      if (token === null) throw unauthorized(authorization === undefined ? 'no Authorization header' : 'the Authorization header is not "Bearer TOKEN"');
      // Both compared every time, so the answer's timing does not say which one matched.
      const admin = tokens.admin !== null && sameSecret(token, tokens.admin);
      const read = tokens.read !== null && sameSecret(token, tokens.read);
      if (admin) return 'admin';
      if (read) return 'read';
      throw unauthorized('the token is not valid here');
    },
    csrfFor(authorization) {
      return createHmac('sha256', key).update(bearer(authorization) ?? '').digest('base64url');
    },
    csrfMatches(authorization, presented) {
      if (presented === undefined || presented.length > 256) return false;
      return sameSecret(this.csrfFor(authorization), presented);
    },
  };
}

export function roleAllows(have: Role, need: Role): boolean {
  return have === 'admin' || need === 'read';
}

/** The Origin check of a state-changing request: absent (not a browser, or same-origin GET) or the same host. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (host === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
