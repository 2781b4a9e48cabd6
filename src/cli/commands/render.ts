import { dirname, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import { lintPlan } from '../../plan/lint/index.ts';
import { render, RENDER_KINDS, type RenderOptions } from '../../render/index.ts';
import { flag, str, type Command } from '../command.ts';
import { resolvePlan } from '../plan-input.ts';
import { renderCommandInfo } from './render.meta.ts';

/** Where the rendered host file finds the plan: FILE relative to the output, when both are given. */
function nixosOptions(values: Parameters<Command['run']>[0], out: string | undefined): RenderOptions {
  const planFile = str(values, 'plan');
  const repository = str(values, 'repo');
  const secretsDir = str(values, 'secrets-dir');
  const options: RenderOptions = {};
  if (planFile !== undefined && out !== undefined) {
    const rel = relative(dirname(resolve(out)), resolve(planFile));
    options.planPath = rel.startsWith('../') ? rel : `./${rel}`;
  }
  if (repository !== undefined) options.repository = repository;
  if (secretsDir !== undefined) {
    if (!secretsDir.startsWith('/')) throw usageError(`--secrets-dir ${secretsDir}: not an absolute path`, 'e.g. --secrets-dir /run/agenix');
    options.secretsDir = secretsDir;
  }
  const source = str(values, 'datadog-source');
  if (source !== undefined) {
    if (source !== 'dogstatsd' && source !== 'openmetrics') throw usageError(`--datadog-source ${source}: not dogstatsd or openmetrics`, 'e.g. --datadog-source openmetrics');
    options.datadogSource = source;
  }
  const domain = str(values, 'domain');
  const upstream = str(values, 'upstream');
  const allow = values['allow'];
  if (domain !== undefined || upstream !== undefined || Array.isArray(allow)) {
    options.caddy = {
      ...(domain === undefined ? {} : { domain }),
      ...(upstream === undefined ? {} : { upstream }),
      ...(Array.isArray(allow) ? { allow: allow.filter((a): a is string => typeof a === 'string') } : {}),
    };
  }
  return options;
}

export const renderCommand: Command = {
  ...renderCommandInfo,
  async run(values, positionals, io) {
    const kind = positionals[0];
    if (kind === undefined || !(RENDER_KINDS as readonly string[]).includes(kind) || positionals.length > 1) {
      throw usageError(`render needs one kind: ${RENDER_KINDS.join(', ')}`, `e.g. panther render disko --plan plan.json`);
    }
    const { plan } = await resolvePlan(values);
    const errors = lintPlan(plan).filter((f) => f.severity === 'error');
    if (errors.length > 0 && !flag(values, 'force')) {
      throw new PantherError('render-refused', `the plan for ${plan.host} has ${errors.length} lint error(s): ${errors.map((e) => `${e.id} [${e.subject}]`).join(', ')}`, {
        exitCode: ExitCode.refused, hint: 'run panther lint for the fixes, or pass --force to render anyway',
      });
    }
    const out = str(values, 'out');
    const text = render(kind as (typeof RENDER_KINDS)[number], plan, nixosOptions(values, out));
    if (out === undefined) io.out(text);
    else { await writeFileAtomic(out, text); io.err(`wrote ${out}`); }
    return ExitCode.ok;
  },
};
