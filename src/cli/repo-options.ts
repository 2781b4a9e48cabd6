// The flags every command that touches a repository shares. Secrets only ever come from files.
import { readPlan } from '../plan/read-plan.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { RepoLocation } from '../backup/open.ts';
import { repositoryHosts } from '../backup/hosts.ts';
import { ENV, flagOrEnv } from '../core/defaults.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import { redactUrl } from '../core/redact-url.ts';
import { RepoExit } from '../repo/errors.ts';
import { str, type Io, type Values } from './command.ts';
import { DEFAULT_PLAN, DEFAULT_REPO } from './options.ts';

function repoUrl(values: Values): string {
  return flagOrEnv(str(values, 'repo'), 'repo', DEFAULT_REPO);
}

function location(values: Values, host: string): RepoLocation {
  const passphraseFile = str(values, 'passphrase-file') ?? process.env[ENV.passphraseFile];
  const identityFile = str(values, 'identity-file');
  return {
    url: repoUrl(values),
    host,
    ...(passphraseFile === undefined ? {} : { passphraseFile }),
    ...(identityFile === undefined ? {} : { identityFile }),
  };
}

/** The location with the host from --host or the plan: for commands that create or need a plan. */
export function repoLocation(values: Values, plan: StoragePlan | null): RepoLocation {
  const host = str(values, 'host') ?? plan?.host;
  if (host === undefined) throw new PantherError('usage', 'which host?', { exitCode: ExitCode.usage, hint: 'pass --host NAME or --plan FILE' });
  return location(values, host);
}

/**
 * The location with the host from --host, the plan, or else the repository itself when it holds
 * exactly one host (said on stderr). For commands that read an existing repository.
 */
export async function resolveRepoLocation(values: Values, plan: StoragePlan | null, io: Io): Promise<RepoLocation> {
  const given = str(values, 'host') ?? plan?.host;
  return location(values, given ?? await onlyHost(repoUrl(values), io));
}

/** The one host of the repository at `url`; an error naming them when there are none or several. */
export async function onlyHost(url: string, io: Io): Promise<string> {
  const where = redactUrl(url);
  let hosts: string[];
  try {
    hosts = await repositoryHosts(url);
  } catch (error) {
    // A host key restricted to its prefix may not list the bucket: then the host has to be named.
    if (error instanceof PantherError && error.code === 's3-access-denied') {
      throw new PantherError('usage', `which host? the key may not list ${where}, so its hosts cannot be read`, { exitCode: ExitCode.usage, hint: 'pass --host NAME or --plan FILE' });
    }
    throw error;
  }
  if (hosts.length === 1) {
    io.err(`using host ${hosts[0]}, the only host in the repository`);
    return hosts[0]!;
  }
  if (hosts.length === 0) {
    throw new PantherError('no-repository', `which host? ${where} holds no repository of any host`, {
      exitCode: RepoExit.noRepository, hint: 'check --repo (or $PANTHER_REPO); create one with panther backup init --host NAME',
    });
  }
  throw new PantherError('usage', `which host? ${where} holds ${hosts.length} hosts: ${hosts.join(', ')}`, {
    exitCode: ExitCode.usage, hint: `pass --host NAME, e.g. --host ${hosts[0]}`, details: { hosts },
  });
}

/** The plan when given (or at its default place), else null: repository commands work without one. */
export async function optionalPlan(values: Values): Promise<StoragePlan | null> {
  const file = str(values, 'plan') ?? process.env[ENV.plan];
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
