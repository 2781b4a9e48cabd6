// StoragePlan → the Caddy site blocks that put `panther serve` behind the user's Caddy under the three
// names of the specification: backup-status.<domain> (the REST API and /metrics), snapshots.<domain>
// (the web UI) and storage.<domain> (the dashboard). TLS by the ACME DNS-01 challenge through
// Cloudflare (the caddy-dns/cloudflare module, token in CF_API_TOKEN), so the names need no public
// port 80/443 and can live on the tailnet only. Everything outside the allowed ranges (the tailnet's by
// default) gets 403 before anything else runs. The NixOS module (lib/storage/caddy.nix) writes the same
// bodies into services.caddy.virtualHosts; test/integration/nix-module.test.ts compares them.
//
// Every value here reaches a Caddyfile, where spaces separate arguments, braces open blocks, quotes and
// newlines end tokens and {…} are placeholders: values are checked against strict shapes and refused
// otherwise, never quoted or escaped.
import { isIPv4, isIPv6 } from 'node:net';
import { DEFAULT_SERVE_LISTEN } from '../core/defaults.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { StoragePlan } from '../plan/types.ts';
import { generatedHeader } from './describe.ts';

export interface CaddyOptions {
  /** The zone the three names are under; default DEFAULT_CADDY_DOMAIN. */
  domain?: string;
  /** Where `panther serve` listens, HOST:PORT; default DEFAULT_SERVE_LISTEN. */
  upstream?: string;
  /** Client ranges (CIDR) let through; everything else gets 403. Default: the tailnet's. */
  allow?: readonly string[];
}

export interface CaddyRenderOptions {
  caddy?: CaddyOptions;
}

export const DEFAULT_CADDY_DOMAIN = 'hbohlen.systems';
/** `panther serve`'s default --listen. */
export { DEFAULT_SERVE_LISTEN };
/** Tailscale's address ranges (CGNAT IPv4 and its ULA IPv6 prefix): the user's tailnet. */
export const DEFAULT_CADDY_ALLOW = ['100.64.0.0/10', 'fd7a:115c:a1e0::/48'] as const;
/** Request bodies above this are refused by Caddy (413) before reaching panther: the API takes small JSON. */
export const CADDY_MAX_BODY = '1MB';
/** Where the UI keeps its dashboard; storage.<domain>/ redirects there. */
export const DASHBOARD_PATH = '/dashboard';

/**
 * The UI is served from its own origin only: scripts, styles, images (data: for chart exports),
 * fetches and forms all same-origin; no framing, no plugins, no <base>. `?` sets it only when panther
 * did not send a (stricter) policy of its own.
 */
export const CADDY_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export type CaddySiteRole = 'api' | 'ui' | 'dashboard';

export interface CaddySite {
  /** The site address, e.g. "backup-status.hbohlen.systems". */
  address: string;
  role: CaddySiteRole;
  /** The lines inside the site block, tab-indented one level (what services.caddy.virtualHosts.<address>.extraConfig holds). */
  body: string[];
}

function refuse(subject: string, message: string, hint: string): never {
  throw new PantherError('render-refused', `${subject}: ${message}`, { subject, hint, exitCode: ExitCode.refused });
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);

/** A DNS name of at least two lowercase labels; anything else (spaces, braces, quotes, newlines, `*`) refused. */
export function checkDomain(domain: string): string {
  if (domain.length > 200 || !DOMAIN.test(domain)) {
    refuse('--domain', `${JSON.stringify(domain)} is not a domain name`, 'give lowercase DNS labels separated by dots, e.g. --domain hbohlen.systems');
  }
  return domain;
}

/** A CIDR range: an IPv4 or IPv6 address, "/", a prefix length within its family. */
export function checkCidr(cidr: string): string {
  const m = /^([0-9a-fA-F:.]+)\/([0-9]{1,3})$/.exec(cidr);
  const family = m === null ? 0 : isIPv4(m[1]!) ? 4 : isIPv6(m[1]!) ? 6 : 0;
  const prefix = m === null ? NaN : Number(m[2]);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) {
    refuse('--allow', `${JSON.stringify(cidr)} is not a CIDR range`, 'give ADDRESS/PREFIX, e.g. --allow 100.64.0.0/10 or --allow fd7a:115c:a1e0::/48');
  }
  return cidr;
}

/** HOST:PORT of the upstream: an IPv4 address, [IPv6] or a host name, and a port 1–65535. */
export function checkUpstream(upstream: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(upstream);
  const host = m?.[1] ?? '';
  const port = Number(m?.[2]);
  const hostOk = host.startsWith('[') ? isIPv6(host.slice(1, -1)) : isIPv4(host) || DOMAIN.test(host.toLowerCase()) || host === 'localhost';
  if (m === null || !hostOk || !(port >= 1 && port <= 65_535)) {
    refuse('--upstream', `${JSON.stringify(upstream)} is not HOST:PORT`, `give the serve command's listen address, e.g. --upstream ${DEFAULT_SERVE_LISTEN}`);
  }
  return upstream;
}

/** What each name serves, in the block's own words (also the comment above it). */
const ROLE_TEXT: Record<CaddySiteRole, string> = {
  api: 'the REST API (/api/*) and /metrics only; anything else 404, so the UI and its session never live on this name',
  ui: 'the web UI for snapshot management, with the API it calls on the same origin',
  dashboard: `the storage dashboard (/ redirects to ${DASHBOARD_PATH}), with the API its plots read on the same origin`,
};

function siteBody(role: CaddySiteRole, upstream: string, allow: readonly string[]): string[] {
  const proxy = role === 'api'
    ? [`reverse_proxy /api/* ${upstream}`, `reverse_proxy /metrics ${upstream}`, 'respond 404']
    : [...(role === 'dashboard' ? [`redir / ${DASHBOARD_PATH} 302`] : []), `reverse_proxy ${upstream}`];
  return [
    'tls {',
    '\tdns cloudflare {env.CF_API_TOKEN}',
    '}',
    'header {',
    '\tStrict-Transport-Security "max-age=31536000; includeSubDomains"',
    '\tX-Content-Type-Options nosniff',
    '\tX-Frame-Options DENY',
    '\tReferrer-Policy no-referrer',
    `\t?Content-Security-Policy "${CADDY_CSP}"`,
    '\t-Server',
    '}',
    'request_body {',
    `\tmax_size ${CADDY_MAX_BODY}`,
    '}',
    // `route` keeps this order: the range check before anything is proxied.
    'route {',
    `\t@outside not remote_ip ${allow.join(' ')}`,
    '\trespond @outside 403',
    ...proxy.map((l) => `\t${l}`),
    '}',
  ].map((l) => `\t${l}`);
}

/** The three sites, checked; what both the Caddyfile and the NixOS module's virtualHosts hold. */
export function caddySites(options: CaddyOptions = {}): CaddySite[] {
  const domain = checkDomain(options.domain ?? DEFAULT_CADDY_DOMAIN);
  const upstream = checkUpstream(options.upstream ?? DEFAULT_SERVE_LISTEN);
  const allow = [...(options.allow === undefined || options.allow.length === 0 ? DEFAULT_CADDY_ALLOW : options.allow)].map(checkCidr);
  const roles: Array<[string, CaddySiteRole]> = [['backup-status', 'api'], ['snapshots', 'ui'], ['storage', 'dashboard']];
  return roles.map(([name, role]) => ({ address: `${name}.${domain}`, role, body: siteBody(role, upstream, allow) }));
}

export function renderCaddy(plan: StoragePlan, options: CaddyRenderOptions = {}): string {
  const sites = caddySites(options.caddy);
  const header = [
    ...generatedHeader(plan, 'caddy'),
    'Caddy site blocks for the serve command (web UI, REST API). Needs Caddy built with the caddy-dns/cloudflare module and',
    'CF_API_TOKEN (a token with Zone.DNS edit on the zone) in Caddy\'s environment. The names must',
    'resolve to this Caddy\'s tailnet address; clients outside the allowed ranges get 403.',
  ].map((l) => `# ${l}`);
  const blocks = sites.map((s) => [`# ${s.address}: ${ROLE_TEXT[s.role]}`, `${s.address} {`, ...s.body, '}'].join('\n'));
  return `${[header.join('\n'), ...blocks].join('\n\n')}\n`;
}
