// The AWS SDK v3 client set up for Backblaze B2's S3 API (docs/knowledge/backblaze-b2.md §6, docs/knowledge/node-deps.md §3):
// - path-style addressing (B2 accepts it; local servers need it);
// - checksums only when an operation requires one. The SDK's default (WHEN_SUPPORTED) adds
//   x-amz-checksum-crc32 / x-amz-sdk-checksum-algorithm and aws-chunked bodies, which B2 rejects
//   with 400 "Unsupported header";
// - and, belt and braces, a middleware just before signing that strips any x-amz-checksum-* and
//   x-amz-sdk-checksum-algorithm header an operation adds anyway (DeleteObjects does even with
//   WHEN_REQUIRED; we never call it, but a future SDK may start doing the same elsewhere). It runs
//   before signing so the stripped headers are not part of the signature.
// We never send If-None-Match / If-Match (B2: 501) or x-amz-tagging (B2: 400): no code here sets them.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Credentials } from './s3-credentials.ts';

export interface ClientStats {
  /** Requests sent (each attempt), by SDK command name. */
  requests: Record<string, number>;
  /** Checksum headers an operation added and the middleware removed. */
  strippedHeaders: number;
}

export interface ClientSettings {
  endpoint: string;
  region: string;
  credentials: S3Credentials;
  timeoutMs: number;
  maxSockets: number;
  retryStrategy?: S3ClientConfig['retryStrategy'];
}

const STRIPPED = /^(x-amz-checksum-.*|x-amz-sdk-checksum-algorithm)$/i;

/** Removes the headers B2 refuses; returns how many it removed. */
export function stripChecksumHeaders(headers: Record<string, string>): number {
  let removed = 0;
  for (const name of Object.keys(headers)) {
    if (STRIPPED.test(name)) {
      delete headers[name];
      removed += 1;
    }
  }
  return removed;
}

export function makeClient(settings: ClientSettings, stats: ClientStats): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: settings.maxSockets };
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.credentials.keyId, secretAccessKey: settings.credentials.applicationKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without a strategy of ours the SDK makes one attempt: RetryBackend owns retries.
    ...(settings.retryStrategy === undefined ? { maxAttempts: 1 } : { retryStrategy: settings.retryStrategy }),
    requestHandler: {
      connectionTimeout: Math.min(settings.timeoutMs, 30_000),
      // Socket inactivity, not total time: a 100 MB part on a throttled link takes minutes but is
      // never idle. (The SDK's requestTimeout is total time until the answer starts, which would cut
      // slow uploads, and by default it only logs a warning.)
      socketTimeout: settings.timeoutMs,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    },
  });
  // Typed by hand: the SDK's middleware type is a union of every step's signature.
  type Args = { request: { headers?: Record<string, string> } };
  const strip = (next: (args: Args) => Promise<unknown>, context: { commandName?: string }) => async (args: Args) => {
    const command = context.commandName ?? 'unknown';
    stats.requests[command] = (stats.requests[command] ?? 0) + 1;
    if (args.request.headers !== undefined) stats.strippedHeaders += stripChecksumHeaders(args.request.headers);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(strip as unknown as Parameters<S3Client['middlewareStack']['addRelativeTo']>[0], {
    name: 'pantherStripChecksumHeaders', relation: 'before', toMiddleware: 'httpSigningMiddleware', override: true,
  });
  return client;
}
