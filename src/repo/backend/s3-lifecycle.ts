// What the bucket's lifecycle rules do to a repository prefix, and the rule it should have.
//
// On B2 every bucket is versioned: a DeleteObject (prune) only hides the object, and re-uploading a
// name hides the old version; hidden versions are billed until a lifecycle rule deletes them
// (docs/knowledge/backblaze-b2.md §5). A multipart upload cut by kill -9 stays as an unfinished large file until
// cancelled. So the repository prefix needs, in B2 terms, "keep only the last version":
//   daysFromHidingToDeleting = 1 (S3: NoncurrentVersionExpiration.NoncurrentDays),
//   daysFromStartingToCancelingUnfinishedLargeFiles = 1 (S3: AbortIncompleteMultipartUpload),
//   and NO daysFromUploadingToHiding (S3: Expiration), which would hide live packs and, a day
//   later, delete them: every backup older than that would become unrestorable.
// We only read the rules (GetBucketLifecycleConfiguration); we never change bucket settings.
import { GetBucketLifecycleConfigurationCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { LifecycleRule } from '@aws-sdk/client-s3';
import type { S3Backend } from './s3.ts';

export type { LifecycleRule } from '@aws-sdk/client-s3';

/** Longest wait before hidden versions are deleted that we accept as "keep only the last version". */
export const MAX_NONCURRENT_DAYS = 7;

export type LifecycleRead = { rules: LifecycleRule[] } | { denied: true; message: string };

export async function readLifecycle(s3: S3Backend): Promise<LifecycleRead> {
  try {
    const out = await s3.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: s3.config.bucket }));
    return { rules: out.Rules ?? [] };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchLifecycleConfiguration') return { rules: [] };
    if (e.$metadata?.httpStatusCode === 403 || e.$metadata?.httpStatusCode === 501) return { denied: true, message: s3.error(error, 'lifecycle', '', '').message };
    throw s3.error(error, 'lifecycle', '', '');
  }
}

export interface LifecycleVerdict {
  /** Rules whose prefix covers all of the repository prefix. */
  covering: LifecycleRule[];
  /** Smallest NoncurrentDays among covering rules (hidden → deleted), or null. */
  noncurrentDays: number | null;
  /** Smallest AbortIncompleteMultipartUpload days among covering rules, or null. */
  abortDays: number | null;
  /** Rules that hide current objects anywhere under the prefix: they destroy backups. */
  hidingLiveData: LifecycleRule[];
}

export function rulePrefix(rule: LifecycleRule): string | null {
  const filter = rule.Filter;
  if (filter?.Tag !== undefined || (filter?.And?.Tags !== undefined && filter.And.Tags.length > 0)) return null; // we never tag: never applies
  return filter?.Prefix ?? filter?.And?.Prefix ?? (rule as { Prefix?: string }).Prefix ?? '';
}

export function evaluateLifecycle(rules: readonly LifecycleRule[], repoPrefix: string): LifecycleVerdict {
  const enabled = rules.filter((r) => r.Status === 'Enabled');
  const covering = enabled.filter((r) => { const p = rulePrefix(r); return p !== null && repoPrefix.startsWith(p); });
  const overlapping = enabled.filter((r) => { const p = rulePrefix(r); return p !== null && (repoPrefix.startsWith(p) || p.startsWith(repoPrefix)); });
  const min = (values: Array<number | undefined>): number | null => {
    const defined = values.filter((v): v is number => typeof v === 'number');
    return defined.length === 0 ? null : Math.min(...defined);
  };
  return {
    covering,
    noncurrentDays: min(covering.map((r) => r.NoncurrentVersionExpiration?.NoncurrentDays)),
    abortDays: min(covering.map((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation)),
    hidingLiveData: overlapping.filter((r) => r.Expiration?.Days !== undefined || r.Expiration?.Date !== undefined),
  };
}

/** The rule to set, as the B2 console, the b2 CLI and the S3 API spell it. */
export function recommendedRule(bucket: string, prefix: string): string {
  const native = JSON.stringify({ fileNamePrefix: prefix, daysFromUploadingToHiding: null, daysFromHidingToDeleting: 1, daysFromStartingToCancelingUnfinishedLargeFiles: 1 });
  return [
    `B2 console → Buckets → ${bucket} → Lifecycle Settings → custom rule: file name prefix "${prefix}", days till hide: empty (never), days till delete: 1`,
    `b2 CLI (replaces the bucket's rules: add any that \`b2 bucket get ${bucket}\` shows): b2 bucket update --lifecycle-rules '[${native}]' ${bucket}`,
    `S3 API equivalent: Filter.Prefix "${prefix}", NoncurrentVersionExpiration.NoncurrentDays 1, AbortIncompleteMultipartUpload.DaysAfterInitiation 1, no Expiration`,
  ].join('\n');
}

export type VersionCount = { versions: number; hidden: number; hiddenBytes: number; deleteMarkers: number; complete: boolean } | { denied: true; message: string };

/** Hidden (noncurrent) versions and delete markers in the first page (≤ 1000) under the prefix: one Class C call. */
export async function countVersions(s3: S3Backend, prefix: string): Promise<VersionCount> {
  try {
    const out = await s3.client.send(new ListObjectVersionsCommand({ Bucket: s3.config.bucket, Prefix: prefix, MaxKeys: 1000 }));
    const hidden = (out.Versions ?? []).filter((v) => v.IsLatest !== true);
    return {
      versions: out.Versions?.length ?? 0,
      hidden: hidden.length,
      hiddenBytes: hidden.reduce((sum, v) => sum + (v.Size ?? 0), 0),
      deleteMarkers: out.DeleteMarkers?.length ?? 0,
      complete: out.IsTruncated !== true,
    };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403 || status === 501 || status === 405) return { denied: true, message: s3.error(error, 'versions', '', prefix).message };
    throw s3.error(error, 'versions', '', prefix);
  }
}
