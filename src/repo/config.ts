// The repository config (docs/FORMAT.md §3.1): written once by init, never rewritten, sealed with
// the master key so a changed byte is detected and nobody without a key learns the parameters.
import { ObjectType } from './crypto/envelope.ts';
import { openPayload, sealPayload } from './crypto/sealed.ts';
import type { RepositoryParams } from './params.ts';
import { paramProblems } from './params.ts';

export const CONFIG_FORMAT = 'panther-repository';
export const REPOSITORY_VERSION = 1;

export interface RepositoryConfig {
  format: typeof CONFIG_FORMAT;
  version: typeof REPOSITORY_VERSION;
  /** 16 random bytes, hex; key files and manifests name it so objects cannot move between repositories. */
  id: string;
  host: string;
  created: string;
  chunker: { algorithm: 'fastcdc-nc2-gear32'; min: number; avg: number; max: number };
  compression: { algorithm: 'zstd'; level: number };
  packSize: number;
  encryption: 'aes-256-gcm-hkdf-sha256';
  chunkId: 'hmac-sha256';
}

export function makeConfig(id: string, host: string, created: string, params: RepositoryParams): RepositoryConfig {
  return {
    format: CONFIG_FORMAT,
    version: REPOSITORY_VERSION,
    id,
    host,
    created,
    chunker: { algorithm: 'fastcdc-nc2-gear32', ...params.chunker },
    compression: { algorithm: 'zstd', level: params.compressionLevel },
    packSize: params.packSize,
    encryption: 'aes-256-gcm-hkdf-sha256',
    chunkId: 'hmac-sha256',
  };
}

export function configParams(config: RepositoryConfig): RepositoryParams {
  const { min, avg, max } = config.chunker;
  return { chunker: { min, avg, max }, compressionLevel: config.compression.level, packSize: config.packSize };
}

export function sealConfig(objectRoot: Uint8Array, config: RepositoryConfig): Buffer {
  return sealPayload(objectRoot, ObjectType.config, Buffer.from(JSON.stringify(config), 'utf8'), 3);
}

export function openConfig(objectRoot: Uint8Array, bytes: Uint8Array): RepositoryConfig {
  const config = JSON.parse(openPayload(objectRoot, ObjectType.config, bytes).toString('utf8')) as RepositoryConfig;
  if (config.format !== CONFIG_FORMAT) throw new Error(`not a repository config (format ${JSON.stringify(config.format)})`);
  if (config.version !== REPOSITORY_VERSION) throw new Error(`repository version ${config.version} is not supported by this tool (knows ${REPOSITORY_VERSION})`);
  if (config.chunker.algorithm !== 'fastcdc-nc2-gear32' || config.compression.algorithm !== 'zstd'
    || config.encryption !== 'aes-256-gcm-hkdf-sha256' || config.chunkId !== 'hmac-sha256') {
    throw new Error('config names an algorithm this tool does not implement');
  }
  const problems = paramProblems(configParams(config));
  if (problems.length > 0) throw new Error(`config parameters are invalid: ${problems.join('; ')}`);
  return config;
}
