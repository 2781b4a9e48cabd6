// The flags every command that touches a repository shares. Secrets only ever come from files.
import { readPlan } from '../plan/read-plan.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { RepoLocation } from '../backup/open.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import { str, type OptionSpec, type Values } from './command.ts';
import { DEFAULT_PLAN } from './snapshot-context.ts';

export const DEFAULT_REPO = '/var/lib/panther/repo';

export const REPO_OPTIONS: OptionSpec = {
  repo: { type: 'string' },
  host: { type: 'string' },
  'passphrase-file': { type: 'string' },
  'identity-file': { type: 'string' },
};

export const REPO_HELP = `  --repo URL              the repository: a directory (default $PANTHER_REPO or ${DEFAULT_REPO}), or
                          s3://BUCKET[/PREFIX]?region=…[&endpoint=URL][&credentials=FILE] (Backblaze
                          B2's S3 API; credentials file: key id and application key on two lines,
                          or $PANTHER_S3_CREDENTIALS_FILE)
  --host NAME             the host prefix inside it (default: the plan's host)
  --passphrase-file FILE  file holding the passphrase (default $PANTHER_PASSPHRASE_FILE)
  --identity-file FILE    an age identity (AGE-SECRET-KEY-…) instead of a passphrase
Secrets are read from files only, never from the command line.`;

export function repoLocation(values: Values, plan: StoragePlan | null): RepoLocation {
  const host = str(values, 'host') ?? plan?.host;
  if (host === undefined) throw new PantherError('usage', 'which host?', { exitCode: ExitCode.usage, hint: 'pass --host NAME or --plan FILE' });
  const passphraseFile = str(values, 'passphrase-file') ?? process.env['PANTHER_PASSPHRASE_FILE'];
  const identityFile = str(values, 'identity-file');
  return {
    url: str(values, 'repo') ?? process.env['PANTHER_REPO'] ?? DEFAULT_REPO,
    host,
    ...(passphraseFile === undefined ? {} : { passphraseFile }),
    ...(identityFile === undefined ? {} : { identityFile }),
  };
}

/** The plan when given (or at its default place), else null: repository commands work without one. */
export async function optionalPlan(values: Values): Promise<StoragePlan | null> {
  const file = str(values, 'plan') ?? process.env['PANTHER_PLAN'];
  if (file !== undefined) return readPlan(file);
  return planIfPresent(DEFAULT_PLAN);
}

/** The plan at `path`, or null when there is no file there; a plan that is there but invalid is an error. */
export async function planIfPresent(path: string): Promise<StoragePlan | null> {
  try {
    return await readPlan(path);
  } catch (error) {
    const missing = error instanceof PantherError && error.code === 'plan-unreadable' &&
      (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    if (missing) return null;
    throw error;
  }
}
