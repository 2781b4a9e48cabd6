import { ExitCode } from '../../core/errors.ts';
import { nextMonth } from '../../cost/calendar.ts';
import { readFleet, readPrices } from '../../cost/read-files.ts';
import { amountFlag, monthFlag, wholeFlag } from '../flags.ts';
import { ASSUMED_RATIOS, simulateFleet, type FleetSimulation } from '../../cost/index.ts';
import { windowHours } from '../../cost/window.ts';
import { emit, str, type Command } from '../command.ts';
import { costSimulateCommandInfo } from './cost-simulate.meta.ts';

export const costSimulateCommand: Command = {
  ...costSimulateCommandInfo,
  async run(values, _positionals, io) {
    const fleet = await readFleet(str(values, 'fleet'));
    const budget = amountFlag(values, 'budget', 'a number of dollars', '10');
    if (budget !== undefined) fleet.budgetUsd = budget;
    // The CLI is the edge that may read the clock: the simulation itself is given its first month.
    const start = monthFlag(values, 'start') ?? nextMonth(new Date().toISOString().slice(0, 7));
    const months = wholeFlag(values, 'months', { min: 1, max: 120, example: '12' }) ?? 12;
    const result = simulateFleet(fleet, { start, months, prices: await readPrices(str(values, 'prices')) });
    emit(io, result, () => formatSimulation(result));
    return ExitCode.ok;
  },
};

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(0)}`;
const tb = (bytes: number): string => `${(bytes / 1e12).toFixed(2)}`;
const usd = (n: number): string => `$${n.toFixed(2)}`;

export function formatSimulation(r: FleetSimulation): string {
  const f = r.fleet;
  const lines = [
    `Fleet simulation ${r.months[0]} → ${r.months[r.months.length - 1]}, budget ${usd(r.budgetUsd)}/month. Assumptions:`,
    `  zstd ${f.compression} (stored/raw), dedup ${f.dedup} (ours only), rewrites on a hot set of ${f.hotFraction} of the data, chain ≤ ${f.maxChain}, link efficiency ${f.linkEfficiency}`,
    ...f.hosts.map((h) => {
      const w = windowHours(h.window, h.staggerMinutes ?? 0);
      return `  ${h.name.padEnd(9)} ${String(h.usedGB).padStart(5)} GB used, ${(h.dailyChange * 100).toFixed(1)} %/day, retention ${h.retention.daily}/${h.retention.weekly}/${h.retention.monthly}, ` +
        `${h.bandwidthBitsPerSecond / 1e6} Mbit/s × ${w.weekday} h / ${w.weekend} h${h.budgetUsd === undefined ? '' : `, budget ${usd(h.budgetUsd)}`}${h.note === undefined ? '' : ` — ${h.note}`}`;
    }),
    `  (ratios: ${ASSUMED_RATIOS.why})`,
  ];
  const names = f.hosts.map((h) => h.name);
  const width = Math.max(8, ...names.map((n) => n.length + 1));
  for (const a of r.approaches) {
    lines.push('', `${a.approach}: ${a.label}`);
    lines.push(`  month    ${names.map((n) => n.padStart(width)).join('')}  ${'total TB'.padStart(9)} ${'bill'.padStart(8)} ${'budget'.padStart(7)}`);
    a.months.forEach((m, i) => {
      const cells = a.hosts.map((h) => { const hm = h.months[i]!; return `${gb(hm.storedBytes)}${hm.fits ? ' ' : '!'}`.padStart(width); });
      lines.push(`  ${m.month}  ${cells.join('')}  ${tb(m.storedBytes).padStart(9)} ${usd(m.billUsd).padStart(8)} ${`${(m.fractionOfBudget * 100).toFixed(0)} %`.padStart(7)}${m.level === 'ok' ? '' : `  ${m.level}`}`);
    });
    lines.push(`  (GB stored per host at month end; "!" = that month's uploads need more nights than the month has)`);
    lines.push(`  nights to seed: ${a.hosts.map((h) => `${h.name} ${h.seedNights ?? `> ${r.months.length} months`} (${gb(h.seedBytes)} GB)`).join(', ')}`);
  }
  lines.push('', 'Summary:');
  for (const a of r.approaches) {
    const last = a.months[a.months.length - 1]!;
    const peak = a.months.reduce((x, y) => (y.billUsd > x.billUsd ? y : x));
    const over = a.months.filter((m) => m.billUsd > r.budgetUsd);
    const first80 = a.months.find((m) => m.level !== 'ok');
    const tight = a.hosts.filter((h) => h.months.some((m) => !m.fits)).map((h) => h.name);
    lines.push(`  ${a.approach.padEnd(9)} month ${a.months.length}: ${tb(last.storedBytes)} TB, ${usd(last.billUsd)}/month (${(last.fractionOfBudget * 100).toFixed(0)} % of ${usd(r.budgetUsd)}); ` +
      `peak ${usd(peak.billUsd)} in ${peak.month}; ${over.length} month(s) over budget` +
      (first80 === undefined ? '' : `, first ≥ 80 % in ${first80.month}`) +
      (tight.length === 0 ? '; uploads fit the windows' : `; uploads exceed the window for ${tight.join(', ')}`));
  }
  return lines.join('\n');
}
