// Repository errors: stable codes and the exit codes scripts rely on (restic's numbers: 10 no
// repository, 11 locked, 12 wrong key, 130 interrupted; the table is core/errors.ts). cli/main.ts maps them once.
import { ExitCode, PantherError } from '../core/errors.ts';

export const RepoExit = {
  noRepository: ExitCode.noRepository,
  locked: ExitCode.locked,
  wrongKey: ExitCode.wrongKey,
  interrupted: ExitCode.interrupted,
} as const;

export function noRepository(host: string, hint?: string): PantherError {
  return new PantherError('no-repository', `no repository for host ${host} (${host}/config does not exist)`, {
    subject: `${host}/config`, exitCode: RepoExit.noRepository,
    hint: hint ?? `check the backend location and host name, or create one with init`,
  });
}

export function noKey(host: string): PantherError {
  return new PantherError('no-key', `repository of ${host} has no key files under ${host}/keys/`, {
    subject: `${host}/keys/`, exitCode: RepoExit.noRepository,
    hint: 'without a key file the master key is gone; restore the key file from a copy',
  });
}

export function wrongKey(host: string, tried: number, damaged: readonly string[]): PantherError {
  const note = damaged.length === 0 ? '' : `; key file(s) ${damaged.join(', ')} are damaged and could not be tried`;
  return new PantherError('wrong-key', `none of the ${tried} key file(s) of ${host} opens with this passphrase or identity${note}`, {
    subject: `${host}/keys/`, exitCode: RepoExit.wrongKey,
    hint: 'check the passphrase or identity file; panther backup key list shows which kinds of keys exist',
    details: { tried, damaged },
  });
}

/** A stored object failed verification. `manifests` are the backup points it affects. */
export function corrupt(object: string, reason: string, manifests: readonly string[] = [], hint?: string): PantherError {
  const affected = manifests.length === 0 ? '' : `; affects backup point(s) ${manifests.join(', ')}`;
  return new PantherError('corrupt', `${object} is damaged: ${reason}${affected}`, {
    subject: object, exitCode: ExitCode.failed,
    hint: hint ?? 'run check with readData to see everything affected; prune cannot repair it, a fresh full backup can',
    details: { object, reason, manifests },
  });
}

export function refused(code: string, message: string, hint: string): PantherError {
  return new PantherError(code, message, { exitCode: ExitCode.refused, hint });
}

export function interrupted(what: string): PantherError {
  return new PantherError('interrupted', `${what} was interrupted`, {
    exitCode: RepoExit.interrupted,
    hint: 'completed packs are indexed; the next run stores only what is still missing',
  });
}

/** Internal: an object failed verification; turned into `corrupt` once affected points are known. */
export class DamagedObject extends Error {
  readonly object: string;
  constructor(object: string, reason: string) {
    super(reason);
    this.name = 'DamagedObject';
    this.object = object;
  }
}
