// `panther render`: what --help and routing need, cheap to load; ./render.ts runs it.
import type { CommandInfo } from '../command.ts';
import { DEFAULT_SERVE_ADMIN_TOKEN_FILE, DEFAULT_SERVE_LISTEN, DEFAULT_SERVE_READ_TOKEN_FILE } from '../../core/defaults.ts';
import { RENDER_KINDS } from '../../render/index.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS } from '../options.ts';

export const renderCommandInfo: CommandInfo = {
  name: 'render',
  summary: 'render a plan as disko, NixOS, systemd units, JSON or a Caddy site block',
  usage: `panther render <${RENDER_KINDS.join('|')}> (--plan FILE | plan input) [--out FILE] [--force] [--repo URL] [--secrets-dir DIR] [--datadog-source dogstatsd|openmetrics] [--domain DOMAIN] [--upstream HOST:PORT] [--allow CIDR]...`,
  help: `Kinds:
  disko    a plain Nix attribute set { disko.devices = …; }: GPT, boot partition, btrfs, subvolumes,
           swap, and a postCreateHook that sets no-CoW and compression on the empty subvolumes
  nixos    the host's NixOS file: sets the options of Panther's NixOS module (storage.enable,
           storage.planFile = ./plan.json, storage.backup.*), which deploys the rest from plan.json
           (disko layout, tmpfiles +C, properties, scrub, snapshot/backup/prune/check/drill timers)
  systemd  timers and services for snapshots (daily/weekly/monthly/frequent), the backup window
           and the restore drills (integrity weekly, restore monthly, disaster quarterly); and
           panther-serve.service (web UI and REST API on ${DEFAULT_SERVE_LISTEN}; it reads its tokens from
           ${DEFAULT_SERVE_READ_TOKEN_FILE} and ${DEFAULT_SERVE_ADMIN_TOKEN_FILE}: create both before enabling it)
  json     the plan itself
  datadog-agent  the Datadog agent's checks for panther: systemd units, journald logs, and DogStatsD
           or the OpenMetrics check on panther metrics serve (the NixOS module sets the same)
  caddy    Caddy site blocks for the serve command: backup-status.DOMAIN (REST API and /metrics),
           snapshots.DOMAIN (web UI), storage.DOMAIN (dashboard); TLS by DNS-01 via Cloudflare
           (CF_API_TOKEN), security headers, 1MB bodies, 403 outside the allowed ranges
  fstab    the mounts provision makes as /etc/fstab lines, by label (a system without NixOS)
${PLAN_INPUT_HELP}
  --out FILE            write to FILE (atomically) instead of stdout
  --force               render even when lint reports errors (not recommended)
nixos only:
  --repo URL            the repository the backup services use (without it, backups stay disabled)
  --secrets-dir DIR     where the secret manager decrypts panther-passphrase and panther-b2
                        (default /run/agenix; sops-nix: /run/secrets)
With --plan FILE and --out FILE, storage.planFile is FILE's path relative to the output.
datadog-agent only:
  --datadog-source S    dogstatsd (default: the runs and the collector send) or openmetrics (the
                        agent scrapes /metrics); one at a time, so no metric arrives twice
caddy only:
  --domain DOMAIN       the zone of the three names (default hbohlen.systems)
  --upstream HOST:PORT  the serve command's listen address (default 127.0.0.1:9720)
  --allow CIDR          a client range let through, repeatable (default the tailnet's:
                        100.64.0.0/10 and fd7a:115c:a1e0::/48); everything else gets 403`,
  options: { ...PLAN_INPUT_OPTIONS, out: { type: 'string' }, force: { type: 'boolean' }, repo: { type: 'string' }, 'secrets-dir': { type: 'string' }, 'datadog-source': { type: 'string' }, domain: { type: 'string' }, upstream: { type: 'string' }, allow: { type: 'string', multiple: true } },
  positionals: true,
};
