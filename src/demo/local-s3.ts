// A real S3-compatible server on 127.0.0.1 for the demo and the tests, when no cloud account is
// configured: fauxqs (fastify) in-process, objects stored as files under a directory. fauxqs's
// startFauxqs() listens on 0.0.0.0, so its store and file persistence are assembled here and the
// app listens on loopback only (its package exports only its root: two imports by path, pinned by
// package-lock). Requests reach it over TCP like a remote server's.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildApp } from 'fauxqs';
import { S3Store } from '../../node_modules/fauxqs/dist/s3/s3Store.js';
import { FileS3Persistence } from '../../node_modules/fauxqs/dist/s3/fileS3Persistence.js';

export const LOCAL_S3_REGION = 'us-west-004';

export interface LocalS3 {
  endpoint: string;
  port: number;
  store: S3Store;
  createBucket(name: string): void;
  close(): Promise<void>;
}

export async function startLocalS3(dataDir: string, buckets: readonly string[]): Promise<LocalS3> {
  const store = new S3Store();
  const persistence = new FileS3Persistence(join(dataDir, 's3'));
  store.persistence = persistence;
  const app = buildApp({ logger: false, defaultRegion: LOCAL_S3_REGION, stores: { sqsStore: undefined as never, snsStore: undefined as never, s3Store: store } });
  app.addHook('preClose', () => { persistence.close(); });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  for (const bucket of buckets) store.createBucket(bucket);
  return { endpoint: `http://127.0.0.1:${port}`, port, store, createBucket: (name) => store.createBucket(name), close: async () => { await app.close(); } };
}

/**
 * The URL of a repository at `bucket/prefix` on the local server, with a credentials file written
 * (0600) at `credentialsFile`: the server takes any key, but the URL names a file as a B2 one does.
 * 5 MiB parts: the server refuses larger bodies.
 */
export async function localS3Url(server: Pick<LocalS3, 'endpoint'>, bucket: string, prefix: string, credentialsFile: string): Promise<string> {
  await writeFile(credentialsFile, 'localKeyId\nlocalApplicationKey\n', { mode: 0o600 });
  return `s3://${bucket}/${prefix}?region=${LOCAL_S3_REGION}&endpoint=${encodeURIComponent(server.endpoint)}&credentials=${encodeURIComponent(credentialsFile)}&partSize=5MiB`;
}
