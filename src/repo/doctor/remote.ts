// `panther doctor remote`'s check: what a host's (restricted) application key can do in the bucket,
// and whether the bucket's lifecycle rule keeps only the last version of the repository's objects.
// It writes, reads, lists and deletes one small probe object under `<host>/locks/`, reads the
// lifecycle rules (a host key usually may not: then it says so and prints the rule to set), and
// tries to count hidden versions (needs ListObjectVersions). It never changes bucket settings.
// Cost: about 8 requests (2 Class C lists, 3 Class B reads, the rest free).
import { randomBytes } from 'node:crypto';
import { PantherError } from '../../core/errors.ts';
import { formatBytes } from '../../core/bytes.ts';
import { parseS3Location, describeS3Url, URL_CREDENTIALS_FILE } from '../backend/s3-url.ts';
import { credentialsFileMode, looksLikeMasterKeyId, readS3Credentials } from '../backend/s3-credentials.ts';
import { S3Backend } from '../backend/s3.ts';
import { RetryPolicy } from '../backend/retry.ts';
import { composeBackend } from '../backend/open.ts';
import type { RetryOptions } from '../backend/retry.ts';
import { countVersions, evaluateLifecycle, MAX_NONCURRENT_DAYS, readLifecycle, recommendedRule } from '../backend/s3-lifecycle.ts';
import { assertHost } from '../names.ts';

export type RemoteSeverity = 'error' | 'warning' | 'info';

/** The same shape as a `doctor` finding, so both print and parse alike. */
export interface RemoteFinding {
  id: string;
  severity: RemoteSeverity;
  subject: string;
  expected: string;
  found: string;
  fix: string;
}

export interface RemoteReport {
  target: string;
  host: string;
  findings: RemoteFinding[];
  counts: Record<RemoteSeverity, number>;
}

export interface RemoteOptions {
  url: string;
  host: string;
  env?: Record<string, string | undefined>;
  now?: () => Date;
  retry?: Partial<RetryOptions>;
}

// Errors after which every further request would fail the same way.
const FATAL = new Set(['s3-no-bucket', 's3-bad-credentials', 's3-clock-skew', 's3-endpoint-unknown', 'backend-unavailable']);

export async function checkRemote(options: RemoteOptions): Promise<RemoteReport> {
  const findings: RemoteFinding[] = [];
  const report = (): RemoteReport => ({
    target: describeS3Url(options.url), host: options.host, findings,
    counts: { error: findings.filter((f) => f.severity === 'error').length, warning: findings.filter((f) => f.severity === 'warning').length, info: findings.filter((f) => f.severity === 'info').length },
  });
  const add = (severity: RemoteSeverity, id: string, subject: string, expected: string, found: string, fix: string): void => {
    findings.push({ id, severity, subject, expected, found, fix });
  };
  const failed = (id: string, subject: string, expected: string, error: unknown, severity: RemoteSeverity = 'error'): boolean => {
    const e = error instanceof PantherError ? error : new PantherError('error', String((error as Error)?.message ?? error));
    add(severity, id, subject, expected, `${e.code}: ${e.message}`, e.hint ?? 'see the message');
    return FATAL.has(e.code);
  };

  let s3: S3Backend;
  let policy: RetryPolicy;
  try {
    assertHost(options.host);
    const { config, credentialsShown } = parseS3Location(options.url, options.env ?? process.env);
    const credentials = await readS3Credentials(config.credentialsFile, credentialsShown);
    const { mode, tooOpen } = await credentialsFileMode(config.credentialsFile);
    if (tooOpen) add('warning', 'remote-credentials-mode', credentialsShown, 'mode 0400 or 0600', `mode 0${mode.toString(8)}`, `chmod 600 ${credentialsShown === URL_CREDENTIALS_FILE ? 'the file' : config.credentialsFile} (agenix/sops-nix: set mode and owner on the secret)`);
    if (looksLikeMasterKeyId(credentials.keyId)) {
      add('error', 'remote-master-key', credentialsShown, 'an application key', 'a 12-digit key id, the form of the master key (which the S3 API refuses)', 'create an application key restricted to the bucket and the host prefix');
    }
    policy = new RetryPolicy({ maxAttempts: 4, maxElapsedMs: 60_000, baseDelayMs: 500, ...options.retry });
    s3 = new S3Backend(config, credentials, policy);
  } catch (error) {
    failed('remote-config', describeS3Url(options.url), 'a usable s3:// URL and credentials file', error);
    return report();
  }
  const backend = composeBackend(s3, { retry: policy }).backend;
  const where = `${s3.config.bucket}/${s3.key(`${options.host}/`)}`;

  try {
    for await (const _ of backend.list(`${options.host}/`)) break; // one page: one Class C call
  } catch (error) {
    if (failed('remote-list', where, 'the key may list the host prefix (listFiles)', error)) return report();
  }

  const stamp = (options.now ?? (() => new Date()))().toISOString().replace(/[-:]|\.\d+/g, '');
  const probe = `${options.host}/locks/doctor-probe-${stamp}-${randomBytes(4).toString('hex')}`;
  const content = randomBytes(64);
  let written = false;
  try {
    await backend.put(probe, content);
    written = true;
  } catch (error) {
    if (failed('remote-put', probe, 'the key may write under the host prefix (writeFiles)', error)) return report();
  }
  if (written) {
    try {
      const size = await backend.head(probe);
      const bytes = Buffer.from(await backend.get(probe));
      if (size !== content.length || !bytes.equals(content)) add('error', 'remote-read', probe, `${content.length} bytes as written`, `head ${size}, get ${bytes.length} bytes${bytes.equals(content) ? '' : ' that differ'}`, 'the service returns other bytes than stored: do not use this endpoint');
    } catch (error) {
      failed('remote-read', probe, 'the key may read under the host prefix (readFiles)', error);
    }
    try {
      let seen = false;
      for await (const info of backend.list(probe)) seen ||= info.name === probe;
      if (!seen) add('error', 'remote-list-probe', probe, 'a written object is listed at once', 'not listed', 'the key may be restricted to a narrower prefix than the repository; check its namePrefix');
    } catch (error) {
      failed('remote-list-probe', probe, 'the key may list the host prefix (listFiles)', error);
    }
    try {
      await backend.delete(probe);
      if (await backend.head(probe) !== null) add('warning', 'remote-delete', probe, 'deleted objects disappear', 'still there after delete', 'check the key capabilities (deleteFiles)');
    } catch (error) {
      failed('remote-delete', probe, 'the key may delete (hide) objects (deleteFiles): prune needs it; backups do not', error, 'warning');
    }
  }

  try {
    if (await backend.head(`${options.host}/config`) === null) {
      add('warning', 'remote-no-repository', `${where}config`, 'a repository', 'no config object', `create one: panther backup init --repo <this URL> --host ${options.host}`);
    }
  } catch (error) {
    failed('remote-read', `${where}config`, 'the key may read the repository config (readFiles)', error);
  }

  lifecycle: try {
    const rulePrefix = s3.config.prefix === '' ? `${options.host}/` : s3.config.prefix;
    const rule = recommendedRule(s3.config.bucket, rulePrefix);
    const read = await readLifecycle(s3);
    if ('denied' in read) {
      add('warning', 'remote-lifecycle-unreadable', s3.config.bucket, `a lifecycle rule on "${rulePrefix}" that deletes hidden versions after 1 day and cancels unfinished uploads`,
        `cannot tell: ${read.message} (host keys usually may not read bucket settings)`, `make sure this rule exists (check with an admin key: panther doctor remote):\n${rule}`);
      break lifecycle;
    }
    const verdict = evaluateLifecycle(read.rules, s3.key(`${options.host}/`));
    for (const r of verdict.hidingLiveData) {
      add('error', 'remote-lifecycle-hides-live-data', `${s3.config.bucket} rule ${r.ID ?? '(no id)'}`, 'no rule hides current objects under the repository',
        `hides objects ${r.Expiration?.Days ?? '?'} day(s) after upload (daysFromUploadingToHiding), then deletes them: older backups become unrestorable`, `remove "days till hide" from that rule; the rule to have:\n${rule}`);
    }
    if (verdict.noncurrentDays === null) {
      add('error', 'remote-lifecycle-missing', s3.config.bucket, `hidden versions under "${rulePrefix}" deleted after 1–${MAX_NONCURRENT_DAYS} days`,
        'no rule deletes hidden versions: every pruned or replaced object stays billed forever', rule);
    } else if (verdict.noncurrentDays > MAX_NONCURRENT_DAYS) {
      add('warning', 'remote-lifecycle-slow', s3.config.bucket, `hidden versions deleted after ≤ ${MAX_NONCURRENT_DAYS} days`, `after ${verdict.noncurrentDays} days: pruned data stays billed that long`, rule);
    }
    if (verdict.abortDays === null) {
      add('warning', 'remote-multipart-cleanup', s3.config.bucket, 'unfinished multipart uploads cancelled after ~1 day', 'no rule cancels them: a backup killed mid-pack leaves its uploaded parts behind', rule);
    }
  } catch (error) {
    failed('remote-lifecycle', s3.config.bucket, 'the lifecycle rules are readable', error, 'warning');
  }

  try {
    const counted = await countVersions(s3, s3.key(`${options.host}/`));
    if ('denied' in counted) {
      add('info', 'remote-hidden-versions', where, 'hidden versions counted', `not possible with this key: ${counted.message}`, 'counting needs ListObjectVersions (listFiles on B2); the lifecycle rule is what bounds them');
    } else {
      add('info', 'remote-hidden-versions', where, 'few hidden versions (the lifecycle rule deletes them)',
        `${counted.hidden} hidden version(s), ${formatBytes(counted.hiddenBytes)} billed, ${counted.deleteMarkers} delete marker(s)${counted.complete ? '' : ' in the first 1000 listed'}`, 'nothing to do if the lifecycle rule is in place');
    }
  } catch (error) {
    failed('remote-hidden-versions', where, 'hidden versions counted', error, 'info');
  }
  return report();
}
