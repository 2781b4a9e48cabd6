// A real S3-compatible server for tests: fauxqs 2.x (fastify) started in-process, objects stored
// as files under a temporary directory, listening on 127.0.0.1 on a random port. Requests reach it
// over TCP like any remote server's; b2-proxy.ts sits in front of it to behave like Backblaze B2.
//
// Why not startFauxqs(): it always listens on 0.0.0.0, and a test server has no business on any
// interface but loopback. We do what startFauxqs does for S3 (store + file persistence + app) and
// call listen ourselves. fauxqs's package exports only its root, so the store and the file
// persistence are imported by path (pinned by package-lock; fauxqs ^2.4.1).
//
// Limits worth knowing (docs/knowledge/node-deps.md §3): fastify's bodyLimit is 11 MiB, so a single PUT or an
// UploadPart larger than that fails (keep test part sizes ≤ 10 MiB); the server does not verify
// SigV4 signatures or Content-MD5, so integrity is checked by the client, and access control is
// simulated by the proxy.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Store } from '../../node_modules/fauxqs/dist/s3/s3Store.js';
import { startLocalS3 } from '../../src/demo/local-s3.ts';
import { startB2Proxy } from './b2-proxy.ts';
import type { B2Proxy, ProxyOptions } from './b2-proxy.ts';
import { S3Backend } from '../../src/repo/backend/s3.ts';
import type { S3BackendConfig } from '../../src/repo/backend/s3.ts';
import { RetryPolicy, type RetryBackend } from '../../src/repo/backend/retry.ts';
import { composeBackend } from '../../src/repo/backend/open.ts';
import type { SpoolBackend } from '../../src/repo/backend/spool.ts';
import type { RetryOptions } from '../../src/repo/backend/retry.ts';

export const TEST_BUCKET = 'panther-test';
export const TEST_REGION = 'us-west-004';
export const TEST_KEY_ID = '004a1b2c3d4e5f60000000001';
export const TEST_APP_KEY = 'K004TestApplicationKeyNotASecret';
/** Smallest part S3 and B2 accept; also keeps bodies under fauxqs's 11 MiB limit. */
export const TEST_PART_SIZE = 5 * 1024 * 1024;
/** Fast backoff for tests; limits generous enough that injected faults never exhaust them. */
export const TEST_RETRY: Partial<RetryOptions> = { baseDelayMs: 5, maxDelayMs: 200, maxAttempts: 12, maxElapsedMs: 120_000, bufferLimit: TEST_PART_SIZE };

export interface S3TestServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  /** Where objects are stored on disk. */
  dataDir: string;
  createBucket(name: string): void;
  /** Keys of multipart uploads begun and neither completed nor aborted (fauxqs has no ListMultipartUploads). */
  unfinishedUploads(): string[];
  /** The server's own view, for assertions that must not go through the code under test. */
  store: S3Store;
  stop(): Promise<void>;
}

export async function startS3Server(options: { buckets?: readonly string[] } = {}): Promise<S3TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'panther-s3-'));
  const local = await startLocalS3(dataDir, options.buckets ?? [TEST_BUCKET]);
  const { store } = local;
  let stopped = false;
  return {
    endpoint: local.endpoint,
    port: local.port,
    dataDir,
    store,
    createBucket: (name) => store.createBucket(name),
    unfinishedUploads: () => [...(store as unknown as { multipartUploads: Map<string, { key: string }> }).multipartUploads.values()].map((u) => u.key),
    async stop() {
      if (stopped) return;
      stopped = true;
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface S3Stack {
  server: S3TestServer;
  proxy: B2Proxy;
  /** Holds TEST_KEY_ID / TEST_APP_KEY in the two-line format. */
  credentialsFile: string;
  /**
   * An S3 backend talking to the server through the proxy, the same wrapped in RetryBackend, and
   * that with the spool on top (packs staged in files, as open.ts stacks a remote repository).
   */
  open(options?: Partial<S3BackendConfig> & { retry?: Partial<RetryOptions> }): { s3: S3Backend; backend: RetryBackend; spooled: SpoolBackend };
  stop(): Promise<void>;
}

/** Server + B2 proxy + credentials file: what every S3 integration test needs. */
export async function startS3Stack(proxyOptions: Omit<ProxyOptions, 'upstream'> = {}): Promise<S3Stack> {
  const server = await startS3Server();
  const proxy = await startB2Proxy({ ...proxyOptions, upstream: server.endpoint });
  const credentialsFile = join(server.dataDir, 'b2-key');
  await writeFile(credentialsFile, `${TEST_KEY_ID}\n${TEST_APP_KEY}\n`, { mode: 0o600 });
  return {
    server, proxy, credentialsFile,
    open(options = {}) {
      const { retry, ...config } = options;
      const policy = new RetryPolicy({ ...TEST_RETRY, ...retry });
      const s3 = new S3Backend({
        endpoint: proxy.endpoint, region: TEST_REGION, bucket: TEST_BUCKET, credentialsFile, partSize: TEST_PART_SIZE, timeoutMs: 20_000, ...config,
      }, { keyId: TEST_KEY_ID, applicationKey: TEST_APP_KEY }, policy);
      const stack = composeBackend(s3, { retry: policy, spool: { dir: join(server.dataDir, '.spool') } });
      return { s3, backend: stack.retry!, spooled: stack.spool! };
    },
    async stop() {
      await proxy.close();
      await server.stop();
    },
  };
}
