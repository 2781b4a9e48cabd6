// The fleet file `panther serve --fleet FILE` reads: the hosts of the fleet view and where their APIs
// are (over the VPN/tailnet), { "hetzner": "https://backup-status.example", "yoga": "http://100.64.0.12:9720" }.
// The NixOS module writes it from storage.serve.fleet. Names and URLs are hostile input: a name is a
// host name, a URL is http(s) without credentials, and nothing else is accepted.
import { z } from 'zod';
import { readStateJson } from '../core/read-state-json.ts';
import { PantherError } from '../core/errors.ts';
import { parseWithSchema, record } from '../core/schema.ts';

export interface FleetHost { host: string; url: string }

const hostName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: 'a host name is [A-Za-z0-9._-], at most 63 characters' });
const apiUrl = z.string().max(2048).refine((u) => {
  try {
    const url = new URL(u);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}, { error: 'an http:// or https:// URL without credentials, query or fragment' });

export const fleetFile = record(hostName, apiUrl);

export async function readFleet(path: string): Promise<FleetHost[]> {
  const parsed = await readStateJson(path, {
    unreadable: { code: 'serve-fleet-unreadable', what: 'the fleet file' },
    damaged: (p, reason, cause) => new PantherError('serve-fleet-invalid', `${p}: ${reason}`, { subject: p, cause, hint: 'write { "host": "http(s)://its-api:9720", … } (storage.serve.fleet on NixOS)' }),
  });
  if (parsed === null) throw new PantherError('serve-fleet-unreadable', `${path}: no such fleet file`, { subject: path, hint: 'pass --fleet with an existing file, or leave it out' });
  const hosts = parseWithSchema(fleetFile, parsed, path, { code: 'serve-fleet-invalid', what: 'a fleet file', hint: 'write { "host": "http(s)://its-api:9720", … } (storage.serve.fleet on NixOS)' });
  return Object.entries(hosts).map(([host, url]) => ({ host, url: url.replace(/\/+$/, '') })).sort((a, b) => a.host.localeCompare(b.host));
}
