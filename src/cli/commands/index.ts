// Every command, in the order `panther --help` lists them.
import type { Command } from '../command.ts';
import { demo } from './demo.ts';
import { doctor } from './doctor.ts';
import { provision } from './provision.ts';
import { unmount } from './unmount.ts';
import { detect } from './detect.ts';
import { lint } from './lint.ts';
import { plan } from './plan.ts';
import { profiles } from './profiles.ts';
import { renderCommand } from './render.ts';

export const COMMANDS: Command[] = [detect, profiles, plan, lint, renderCommand, provision, unmount, doctor, demo];
