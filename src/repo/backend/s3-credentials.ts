// S3 credentials come from a file only (agenix / sops-nix put it under /run/secrets), never from argv,
// a URL or the environment's values, and are never logged. Two formats:
//
//   1. two lines: the key id, then the application key (what the B2 console shows, in that order)
//        0041a2b3c4d5e6f0000000007
//        K004abcdefghijklmnopqrstuvwxyz0
//   2. JSON: {"keyId": "0041a2b3c4d5e6f0000000007", "applicationKey": "K004…"}
//
// Anything else is refused with a message that does not echo the file's content.
import { readFile, stat } from 'node:fs/promises';
import { PantherError } from '../../core/errors.ts';
import { secretModeTooOpen, warnIfSecretOpen } from '../../core/secret-file.ts';

export interface S3Credentials {
  keyId: string;
  applicationKey: string;
}

const FORMAT_HINT = 'write the key id on the first line and the application key on the second, or JSON {"keyId": …, "applicationKey": …}';

/** `what` names the file in messages: a path from a URL's credentials= is not printed (s3-url.ts). */
export async function readS3Credentials(path: string, what = `S3 credentials file ${path}`): Promise<S3Credentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new PantherError('secret-unreadable', `${what} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'check the path and that this user may read it (agenix/sops-nix put secrets under /run/secrets)',
    });
  }
  await warnIfSecretOpen(path, 'S3 credentials', undefined, what === `S3 credentials file ${path}` ? path : 'named by credentials= in the repository URL');
  return parseS3Credentials(text, what);
}

export function parseS3Credentials(text: string, what = 'S3 credentials file'): S3Credentials {
  const trimmed = text.trim();
  let keyId: unknown;
  let applicationKey: unknown;
  if (trimmed.startsWith('{')) {
    try {
      ({ keyId, applicationKey } = JSON.parse(trimmed) as { keyId?: unknown; applicationKey?: unknown });
    } catch {
      throw new PantherError('secret-invalid', `${what} is not valid JSON`, { hint: FORMAT_HINT });
    }
  } else {
    const lines = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length !== 2) throw new PantherError('secret-invalid', `${what} must hold exactly two non-empty lines (it has ${lines.length})`, { hint: FORMAT_HINT });
    [keyId, applicationKey] = lines;
  }
  for (const [field, value] of [['keyId', keyId], ['applicationKey', applicationKey]] as const) {
    if (typeof value !== 'string' || value === '' || /\s/.test(value)) {
      throw new PantherError('secret-invalid', `${what}: ${field} is missing or contains whitespace`, { hint: FORMAT_HINT });
    }
  }
  return { keyId: keyId as string, applicationKey: applicationKey as string };
}

/** B2's master key id is the 12-hex-digit account id; the S3 API refuses it (docs/knowledge/backblaze-b2.md §3). */
export function looksLikeMasterKeyId(keyId: string): boolean {
  return /^[0-9a-f]{12}$/.test(keyId);
}

/** Whether group or others may read the file (a secret should be 0400/0600). */
export async function credentialsFileMode(path: string): Promise<{ mode: number; tooOpen: boolean }> {
  const mode = (await stat(path)).mode & 0o777;
  return { mode, tooOpen: secretModeTooOpen(mode) };
}
