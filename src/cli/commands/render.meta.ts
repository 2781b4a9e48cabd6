// `panther render`: what --help and routing need, cheap to load; ./render.ts runs it.
import type { CommandInfo } from '../command.ts';
import { RENDER_KINDS } from '../../render/index.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS } from '../options.ts';

export const renderCommandInfo: CommandInfo = {
  name: 'render',
  summary: 'render a plan as disko, NixOS, systemd units or JSON',
  usage: `panther render <${RENDER_KINDS.join('|')}> (--plan FILE | plan input) [--out FILE] [--force]`,
  help: `Kinds:
  disko    a plain Nix attribute set { disko.devices = …; }: GPT, boot partition, btrfs, subvolumes,
           swap, and a postCreateHook that sets no-CoW and compression on the empty subvolumes
  nixos    a NixOS module for what disko does not cover (tmpfiles +C rules, compression
           properties, scrub, neededForBoot, the same timers as systemd)
  systemd  timers and services for snapshots (daily/weekly/monthly/frequent) and the backup window
  json     the plan itself
${PLAN_INPUT_HELP}
  --out FILE            write to FILE (atomically) instead of stdout
  --force               render even when lint reports errors (not recommended)`,
  options: { ...PLAN_INPUT_OPTIONS, out: { type: 'string' }, force: { type: 'boolean' } },
  positionals: true,
};
