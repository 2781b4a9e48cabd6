// The RetryPolicy as an AWS SDK retry strategy, for the requests of a multipart upload
// (CreateMultipartUpload, UploadPart, CompleteMultipartUpload). Those are sent by lib-storage's
// Upload, not by us, so RetryBackend cannot retry them one by one; each part body is a buffer, so the
// SDK can re-send it. Same classification, backoff, attempt limit and statistics as RetryBackend.
//
// The time limit here is per request (each part gets maxElapsedMs); the whole upload is bounded by
// the parts' limits and by the request timeout.
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { RetryPolicy } from './retry.ts';
import { isTransient, reasonOf } from './retry.ts';

type SdkRetryStrategy = Extract<NonNullable<S3ClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;

interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
  readonly startedAt: number;
}

function token(retries: number, delay: number, startedAt: number): Token {
  return { getRetryCount: () => retries, getRetryDelay: () => delay, startedAt };
}

export function sdkRetryStrategy(policy: RetryPolicy, label = 'multipart'): SdkRetryStrategy {
  return {
    async acquireInitialRetryToken() {
      policy.stats.operations += 1;
      return token(0, 0, policy.now());
    },
    async refreshRetryTokenForRetry(previous, info) {
      const t = previous as Token;
      const attempt = t.getRetryCount() + 1;
      const error = info.error ?? info;
      const delay = policy.nextDelay(attempt, t.startedAt, error);
      // Throwing tells the SDK to give up and surface the last error; the caller maps it.
      if (delay === null) {
        if (isTransient(error)) policy.stats.gaveUp += 1;
        throw error;
      }
      policy.recordRetry({ op: label, name: '', attempt, delayMs: delay, reason: reasonOf(error) });
      return token(attempt, delay, t.startedAt);
    },
    recordSuccess() {},
  };
}
