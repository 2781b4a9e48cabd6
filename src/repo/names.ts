// Object names (docs/FORMAT.md §2). Everything of a host lives under `<host>/`, so a B2 application
// key restricted to that prefix is all a host needs; the price is that dedup never crosses hosts.
import { PantherError, ExitCode } from '../core/errors.ts';

export const OBJECT_KINDS = ['keys', 'packs', 'index', 'manifests'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

const HOST = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HEX_ID = /^[0-9a-f]{64}$/;

export function assertHost(host: string): void {
  if (!HOST.test(host)) {
    throw new PantherError('bad-host', `host name ${JSON.stringify(host)} cannot be a repository prefix`, {
      exitCode: ExitCode.usage,
      hint: 'use the lowercase host name: letters, digits and "-", at most 63 characters',
    });
  }
}

export function configName(host: string): string {
  return `${host}/config`;
}

export function kindPrefix(host: string, kind: ObjectKind): string {
  return `${host}/${kind}/`;
}

export function objectName(host: string, kind: ObjectKind, id: string): string {
  return `${kindPrefix(host, kind)}${id}`;
}

/** The id part of a listed name, or undefined for names that are not ours (ignored, reported by check). */
export function idFromName(host: string, kind: ObjectKind, name: string): string | undefined {
  const prefix = kindPrefix(host, kind);
  if (!name.startsWith(prefix)) return undefined;
  const id = name.slice(prefix.length);
  return HEX_ID.test(id) ? id : undefined;
}

export function isObjectId(id: string): boolean {
  return HEX_ID.test(id);
}
