// S3 backend for Backblaze B2 (and any S3-compatible store): one object per repository object, under
// `<prefix><name>` in one bucket. Client settings that keep B2 happy are in s3-client.ts; errors and
// their hints in s3-errors.ts. This class makes one attempt per operation: open.ts wraps it in RetryBackend.
//
// put: a body of at most partSize bytes goes in one PutObject with a known Content-Length; a longer
// one as a multipart upload. A spooled pack (a ReplayableBody: spool.ts) sends each part straight
// from its range of the spool file, signed with the SHA-256 of that range (read once to hash it,
// once to send it: the store refuses bytes that differ from the signed hash, as it does for a
// buffer's), and retries a part by reading it again: no part is held in memory. A plain stream goes up through
// lib-storage, which buffers each part and has the SDK retry it under the same policy.
// Both are atomic: an object appears only when PutObject or CompleteMultipartUpload succeeds. A
// multipart upload that fails is aborted; one cut by kill -9 stays as an unfinished large file,
// invisible to listings, until the bucket's lifecycle rule cancels it (doctor remote checks the rule).
// delete: one DeleteObject per name (never DeleteObjects, whose checksum headers B2 refuses). On B2
// it hides the object; the lifecycle rule deletes hidden versions.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand,
  HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PantherError } from '../../core/errors.ts';
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, ReplayableBody, StagedPut } from './backend.ts';
import { BufferedStage, isReplayable } from './backend.ts';
import { assertObjectName, assertPrefix, assertRange, badRange, notFound, objectNameProblem } from './backend.ts';
import { makeClient } from './s3-client.ts';
import type { ClientStats } from './s3-client.ts';
import { readS3Credentials } from './s3-credentials.ts';
import type { S3Credentials } from './s3-credentials.ts';
import { mapS3Error, shortRead } from './s3-errors.ts';
import type { S3Op } from './s3-errors.ts';
import { RetryPolicy } from './retry.ts';
import { sdkRetryStrategy } from './retry-sdk.ts';

const MIB = 1024 * 1024;
/** Largest whole-object answer whose announced length get allocates up front (packs are 32 MiB). */
const WHOLE_GET_MAX = 256 * MIB;

export interface S3BackendConfig {
  /** e.g. https://s3.us-west-004.backblazeb2.com */
  endpoint: string;
  region: string;
  bucket: string;
  /** Key prefix inside the bucket ('' or ending in '/'), before the `<host>/` names. */
  prefix?: string;
  /** File holding the key id and application key (s3-credentials.ts). */
  credentialsFile: string;
  /** Multipart part size; B2 needs ≥ 5 MB (recommends 100 MB). Default 16 MiB. */
  partSize?: number;
  /** Parts uploaded at once per object; memory ≈ partSize × queueSize. Default 4. */
  queueSize?: number;
  /** Attempts per request of a multipart upload (retried by the SDK; RetryBackend has its own limit, open.ts sets both). */
  maxAttempts?: number;
  /** Socket inactivity limit per request. Default 120 s. */
  timeoutMs?: number;
}

export const S3_DEFAULTS = { partSize: 16 * MIB, queueSize: 4, maxAttempts: 10, timeoutMs: 120_000 } as const;

export async function openS3Backend(config: S3BackendConfig, policy?: RetryPolicy): Promise<S3Backend> {
  return new S3Backend(config, await readS3Credentials(config.credentialsFile), policy);
}

// S3 (and B2) promise read-after-write for listings, but not every S3-compatible store keeps it:
// locks keep their settle delay. Unfinished uploads are the lifecycle rule's to cancel, not ours.
export const S3_PROPERTIES: BackendProperties = Object.freeze({ kind: 's3', listAfterWriteConsistent: false, sweepsTemporaries: false, remote: true });

export class S3Backend implements Backend {
  readonly properties = S3_PROPERTIES;
  readonly config: Required<S3BackendConfig>;
  readonly stats: ClientStats = { requests: {}, strippedHeaders: 0 };
  /** One attempt per request: RetryBackend retries whole operations. */
  readonly client: S3Client;
  /** For multipart requests with a buffer body, retried per request under the policy. */
  readonly #partClient: S3Client;
  /** The same policy for a spooled body's parts, each retried by reading its range again. */
  readonly #partPolicy: RetryPolicy;
  readonly #secrets: readonly string[];

  constructor(config: S3BackendConfig, credentials: S3Credentials, policy = new RetryPolicy()) {
    const prefix = config.prefix ?? '';
    if (prefix !== '') assertPrefix(prefix.endsWith('/') ? prefix : `${prefix}/`);
    this.config = { ...S3_DEFAULTS, ...config, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
    if (this.config.partSize < 5 * MIB) throw new RangeError('partSize must be at least 5 MiB (S3 and B2 minimum)');
    this.#secrets = [credentials.keyId, credentials.applicationKey];
    const base = { endpoint: config.endpoint, region: config.region, credentials, timeoutMs: this.config.timeoutMs, maxSockets: 4 * this.config.queueSize + 4 };
    this.client = makeClient(base, this.stats);
    const partPolicy = new RetryPolicy({ ...policy.options, maxAttempts: this.config.maxAttempts }, policy.stats);
    this.#partClient = makeClient({ ...base, retryStrategy: sdkRetryStrategy(partPolicy) }, this.stats);
    this.#partPolicy = partPolicy;
  }

  /** Where objects go, for messages: never includes credentials. */
  describe(): string {
    return `s3://${this.config.bucket}/${this.config.prefix} at ${this.config.endpoint}`;
  }

  key(name: string): string {
    return `${this.config.prefix}${name}`;
  }

  error(error: unknown, op: S3Op, name: string, key = this.key(name)): Error {
    return mapS3Error(error, { op, name, key, bucket: this.config.bucket, endpoint: this.config.endpoint, secrets: this.#secrets });
  }

  /**
   * In memory until commit: an object is one PutObject or multipart upload, named before it starts.
   * A stack opened by open.ts spools instead (SpoolBackend outside every layer).
   */
  stage(): StagedPut {
    return new BufferedStage((name, data) => this.put(name, data));
  }

  async put(name: string, data: PutData): Promise<void> {
    assertObjectName(name);
    if (isReplayable(data)) return data.size <= this.config.partSize ? this.#putFromBody(name, data) : this.#multipartFromBody(name, data);
    if (data instanceof Uint8Array) {
      return data.length <= this.config.partSize ? this.#putObject(name, data) : this.#multipart(name, (async function* () { yield data; })());
    }
    // Read ahead one part: a stream that ends within it is sent with its length in one request.
    const iterator = data[Symbol.asyncIterator]();
    const head: Uint8Array[] = [];
    let buffered = 0;
    while (buffered <= this.config.partSize) {
      const next = await iterator.next();
      if (next.done === true) return this.#putObject(name, head.length === 1 ? head[0]! : Buffer.concat(head));
      head.push(next.value);
      buffered += next.value.length;
    }
    return this.#multipart(name, (async function* () { yield* head; yield* { [Symbol.asyncIterator]: () => iterator }; })());
  }

  async #putObject(name: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: this.key(name), Body: bytes, ContentLength: bytes.length }));
    } catch (error) {
      throw this.error(error, 'put', name);
    }
  }

  async #putFromBody(name: string, body: ReplayableBody): Promise<void> {
    try {
      const command = new PutObjectCommand({ Bucket: this.config.bucket, Key: this.key(name), Body: Readable.from(body.read()), ContentLength: body.size });
      await this.client.send(signedPayload(command, await sha256Of(body.read())));
    } catch (error) {
      throw this.error(error, 'put', name);
    }
  }

  // Parts go up `queueSize` at a time, each from its own range of the body. The first part that
  // fails for good stops the others from starting; the upload is then aborted.
  async #multipartFromBody(name: string, body: ReplayableBody): Promise<void> {
    const { bucket: Bucket, partSize, queueSize } = this.config;
    const Key = this.key(name);
    let UploadId: string | undefined;
    try {
      UploadId = (await this.#partClient.send(new CreateMultipartUploadCommand({ Bucket, Key }))).UploadId;
      if (UploadId === undefined) throw new Error('CreateMultipartUpload answered without an UploadId');
      const count = Math.ceil(body.size / partSize);
      const etags: string[] = [];
      let next = 0;
      let failed = false;
      const sendPart = async (n: number): Promise<string> => {
        const range = { offset: (n - 1) * partSize, length: Math.min(partSize, body.size - (n - 1) * partSize) };
        const command = new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: n, Body: Readable.from(body.read(range)), ContentLength: range.length });
        const answer = await this.client.send(signedPayload(command, await sha256Of(body.read(range))));
        if (answer.ETag === undefined) throw new Error(`UploadPart ${n} answered without an ETag`);
        return answer.ETag;
      };
      const lane = async (): Promise<void> => {
        while (!failed && next < count) {
          const n = ++next;
          try {
            etags[n - 1] = await this.#partPolicy.run('put', `${name} (part ${n} of ${count})`, () => sendPart(n));
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      };
      const lanes = await Promise.allSettled(Array.from({ length: Math.min(queueSize, count) }, lane));
      const failure = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
      try {
        await this.#partClient.send(new CompleteMultipartUploadCommand({
          Bucket, Key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }));
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchUpload') return await this.#completedAnyway(name, body.size);
        throw error;
      }
    } catch (error) {
      if (UploadId !== undefined) await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw this.error(error, 'put', name);
    }
  }

  async #multipart(name: string, source: AsyncIterable<Uint8Array>): Promise<void> {
    let sent = 0;
    let sourceDone = false;
    let sourceError: unknown;
    const counted = (async function* () {
      try {
        for await (const part of source) { sent += part.length; yield part; }
        sourceDone = true;
      } catch (error) {
        sourceError = error;
        throw error;
      }
    })();
    const upload = new Upload({
      client: this.#partClient,
      params: { Bucket: this.config.bucket, Key: this.key(name), Body: Readable.from(counted, { objectMode: false }) },
      partSize: this.config.partSize,
      queueSize: this.config.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      if (sourceError !== undefined) throw sourceError;
      if (sourceDone && (error as { name?: string }).name === 'NoSuchUpload') return this.#completedAnyway(name, sent);
      throw this.error(error, 'put', name);
    }
  }

  // CompleteMultipartUpload was sent, its answer lost (timeout, reset), and the SDK's retry found the
  // upload gone: the first one most likely succeeded. The object is there if it has every byte we
  // sent; the server may still be assembling it, so look a few times. If it never appears, the put
  // failed in a way another attempt can fix.
  async #completedAnyway(name: string, sent: number): Promise<void> {
    for (const waitMs of [0, 250, 1000, 2500]) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (await this.head(name).catch(() => null) === sent) return;
    }
    throw new PantherError('s3-unavailable', `put ${name}: the multipart upload vanished before its object appeared`, {
      subject: name, hint: 'its completion was probably lost in transit; this is retried',
      details: { op: 'put', object: name, retryable: true, reason: 'NoSuchUpload' },
    });
  }

  // The bytes are the caller's to keep or free (a restore frees them early), so they are copied
  // out of the HTTP client's chunks: into one buffer of the answer's length as the chunks arrive,
  // rather than collected and joined, which held each read twice (a restore's 16 MiB reads, two
  // ahead; check reading whole 32 MiB packs). The length is trusted only up to the range asked for,
  // or WHOLE_GET_MAX for a whole object; a longer answer is collected as it comes.
  async get(name: string, range?: ByteRange): Promise<Uint8Array> {
    let out: Buffer | undefined;
    let filled = 0;
    const parts: Uint8Array[] = [];
    const sized = (length: number): void => { if (length <= (range?.length ?? WHOLE_GET_MAX)) out = Buffer.allocUnsafe(length); };
    for await (const part of this.#stream(name, range, sized)) {
      if (out === undefined) { parts.push(part); continue; }
      if (filled + part.length > out.length) throw shortRead(name, filled + part.length, out.length);
      out.set(part, filled);
      filled += part.length;
    }
    return out ?? Buffer.concat(parts);
  }

  getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    return this.#stream(name, range);
  }

  /** `sized` hears the answer's length before its first byte (when the server sent one). */
  async *#stream(name: string, range?: ByteRange, sized?: (length: number) => void): AsyncIterable<Uint8Array> {
    assertObjectName(name);
    if (range !== undefined) {
      assertRange(range);
      if (range.length === 0) return yield await this.#emptyRange(name, range);
    }
    let response;
    try {
      const header = range === undefined ? undefined : `bytes=${range.offset}-${range.offset + range.length - 1}`;
      response = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(name), Range: header }));
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416 && range !== undefined) {
        return yield await this.#emptyRange(name, range);
      }
      throw this.error(error, 'get', name);
    }
    const expected = response.ContentLength;
    if (expected !== undefined && sized !== undefined) sized(expected);
    let got = 0;
    try {
      for await (const chunk of response.Body as AsyncIterable<Uint8Array>) {
        got += chunk.length;
        yield chunk;
      }
    } catch (error) {
      throw this.error(error, 'get', name);
    }
    if (expected !== undefined && got !== expected) throw shortRead(name, got, expected);
    if (got === 0) yield new Uint8Array(0);
  }

  // A zero-length range, or one starting at the end (S3 answers 416): empty if the object has that
  // many bytes, bad-range if fewer.
  async #emptyRange(name: string, range: ByteRange): Promise<Uint8Array> {
    const size = await this.head(name);
    if (size === null) throw notFound(name);
    if (range.offset > size) throw badRange(name, range, size);
    return new Uint8Array(0);
  }

  async head(name: string): Promise<number | null> {
    assertObjectName(name);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.key(name) }));
      return response.ContentLength ?? 0;
    } catch (error) {
      // A HEAD answer has no body, so a missing bucket also looks like 404; the next list or get says which.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw this.error(error, 'head', name);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertPrefix(prefix);
    const root = this.config.prefix;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: root + prefix, ContinuationToken: token }));
      } catch (error) {
        throw this.error(error, 'list', prefix, root + prefix);
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const name = key.slice(root.length);
        // Keys that are not valid object names are not repository objects (FORMAT.md §2): skip them.
        if (!key.startsWith(root) || objectNameProblem(name) !== undefined) continue;
        yield { name, size: object.Size ?? 0 };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(name: string): Promise<void> {
    assertObjectName(name);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(name) }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return;
      throw this.error(error, 'delete', name);
    }
  }

  /** Nothing to sweep: an unfinished multipart upload is invisible and the lifecycle rule cancels it. */
  async sweepTemporaries(): Promise<number> {
    return 0;
  }
}

async function sha256Of(data: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of data) hash.update(piece);
  return hash.digest('hex');
}

/**
 * The command with its body's SHA-256 as the signed payload hash. The SDK hashes a buffer body
 * itself; a stream body it would sign as UNSIGNED-PAYLOAD, leaving the store nothing to check the
 * bytes against. Set before signing, which takes the header as the payload's hash.
 */
function signedPayload<C extends PutObjectCommand | UploadPartCommand>(command: C, sha256: string): C {
  type Args = { request: { headers?: Record<string, string> } };
  const set = (next: (args: Args) => Promise<unknown>) => async (args: Args) => {
    if (args.request.headers !== undefined) args.request.headers['x-amz-content-sha256'] = sha256;
    return next(args);
  };
  // Typed by hand, as in s3-client.ts: the SDK's middleware type is a union of every step's signature.
  type Stack = { add: (middleware: unknown, options: { step: 'build'; name: string }) => void };
  (command.middlewareStack as unknown as Stack).add(set, { step: 'build', name: 'pantherSignedPayload' });
  return command;
}
