// Renderers: StoragePlan → text, one per output kind (`panther render <kind>`). Pure functions: they
// read only the plan and run nothing; the caller decides whether a plan with lint errors is rendered.
//
// Kinds:
//   disko  disko.devices for every pool: GPT, boot partitions, btrfs, subvolumes, swap, postCreateHook
//   nixos  the host's NixOS file: sets the `storage` options of Panther's NixOS module (modules/storage),
//          which derives everything else from plan.json
//   systemd  the snapshot and backup services and timers as plain unit files, one bundle
//   json   the plan itself
//   datadog-agent  the agent's checks for panther (systemd units, journald logs, DogStatsD or OpenMetrics)
//   caddy  Caddy site blocks for `panther serve` under the specification's three names (DNS-01, tailnet only)
//   fstab  the mounts provision makes, by label (a system without NixOS; the VM tests' second boot)
//
// Adding a kind: write `src/render/<kind>.ts` exporting
// `render<Kind>(plan: StoragePlan, options?): string`, add one line to renderers below, and the CLI's
// `panther render <kind>` and its usage text pick it up from RENDER_KINDS.
import type { StoragePlan } from '../plan/types.ts';
import { renderCaddy, type CaddyRenderOptions } from './caddy.ts';
import { renderDatadogAgent, type DatadogAgentRenderOptions } from './datadog-agent.ts';
import { renderDisko } from './disko.ts';
import { renderFstab } from './fstab.ts';
import { renderJson } from './json.ts';
import { renderNixos, type NixosOptions } from './nixos.ts';
import { renderSystemd, type SystemdOptions } from './systemd.ts';

/** Options only some kinds read (nixos: where the plan and the secrets are, which repository). */
export type RenderOptions = NixosOptions & SystemdOptions & DatadogAgentRenderOptions & CaddyRenderOptions;

export type Renderer = (plan: StoragePlan, options?: RenderOptions) => string;

export const renderers = {
  disko: renderDisko,
  nixos: renderNixos,
  systemd: renderSystemd,
  json: renderJson,
  'datadog-agent': renderDatadogAgent,
  caddy: renderCaddy,
  fstab: renderFstab,
} as const satisfies Record<string, Renderer>;

export type RenderKind = keyof typeof renderers;

export const RENDER_KINDS = Object.keys(renderers) as RenderKind[];

export function render(kind: RenderKind, plan: StoragePlan, options: RenderOptions = {}): string {
  // Kinds that take no options ignore them.
  return (renderers[kind] as Renderer)(plan, options);
}
