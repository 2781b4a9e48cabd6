// The demo's offsite step: with no cloud account configured, a real S3-compatible server on
// 127.0.0.1 stands in for Backblaze B2. The same backup runs through the S3 backend (B2-safe
// settings, retries), metered and capped at the plan's bandwidth; then the forecast and cost lines
// a user sees every night.
import { join } from 'node:path';
import { initRepo, openMeteredWriter } from '../backup/open.ts';
import { scheduleFromPlan } from '../plan/backup-window.ts';
import { forecastUpload } from '../backup/forecast.ts';
import { nightlyBackup } from '../backup/job.ts';
import { formatBytes } from '../core/bytes.ts';
import { B2_PRICES, estimateCost } from '../cost/index.ts';
import type { StoragePlan } from '../plan/types.ts';
import { measureStored } from '../repo/backend/metered.ts';
import type { EngineContext } from '../snapshot/engine.ts';
import { localS3Url, startLocalS3 } from './local-s3.ts';

export async function offsiteTour(plan: StoragePlan, engine: EngineContext, workDir: string, passphraseFile: string, log: (l: string) => void): Promise<void> {
  const s3 = await startLocalS3(workDir, ['panther-demo']);
  try {
    const url = await localS3Url(s3, 'panther-demo', 'fleet', join(workDir, 'b2-key'));
    log(`offsite: no cloud account configured, so a local S3 server at ${s3.endpoint} stands in for B2`);
    await initRepo({ url, host: plan.host, passphraseFile, recipients: [] }, 15);
    const { repo, metered } = await openMeteredWriter({ url, host: plan.host, passphraseFile }, plan.backup.bandwidthBitsPerSecond, join(workDir, 'state'));
    const now = new Date().toISOString();
    // The nightly job as the timer runs it: the repository's lease, the run, the cost ledger.
    const { report, ledger } = await nightlyBackup({ engine, repo, metered: metered!, stateDir: join(workDir, 'state'), now, dryRun: false });
    if (ledger === null) throw new Error('demo: the cost ledger was not written');
    const sent = report.items.filter((i) => i.point !== undefined);
    const stored = await measureStored(metered, `${plan.host}/`);
    log(`  ${sent.length} point(s) sent through the S3 API at ${(plan.backup.bandwidthBitsPerSecond / 1e6).toFixed(0)} Mbit/s: ${formatBytes(stored.bytes)} in ${stored.objects} objects`);
    const schedule = scheduleFromPlan(plan.backup, plan.snapshots.timezone ?? 'UTC');
    const forecast = forecastUpload(500e9, schedule, plan.backup.bandwidthBitsPerSecond, Date.parse(now));
    log(`  forecast: a 500 GB first upload takes ${forecast.nights ?? 'too many'} nights at this cap (${formatBytes(forecast.perNight.weekdays)} per weekday night)`);
    const cost = estimateCost({ ledger, prices: B2_PRICES, now, budgetUsd: plan.backup.monthlyBudgetUsd, policy: 'report', tiers: null, profile: plan.profile });
    log(`  cost this month: $${cost.thisMonth.totalUsd.toFixed(4)} of a $${plan.backup.monthlyBudgetUsd} budget (${cost.thisMonth.budget?.level ?? 'no budget'}); ` +
      `calls A/B/C ${cost.monthToDate.calls.A}/${cost.monthToDate.calls.B}/${cost.monthToDate.calls.C} — see panther cost and panther cost simulate`);
  } finally {
    await s3.close();
  }
}
