// `panther doctor`'s findings for /status: the live btrfs state compared with the plan. Inspecting
// runs btrfs and findmnt, so one reading serves every request for a minute, and concurrent requests
// share one reading.
import { existsSync } from 'node:fs';
import { runDoctor, type DoctorReport } from '../provision/index.ts';
import type { StoragePlan } from '../plan/types.ts';

export interface DoctorSummary {
  counts: { error: number; warning: number; info: number };
  findings: DoctorReport['findings'];
}

export function cachedDoctor(plan: StoragePlan, root: string, cacheMs = 60_000): () => Promise<DoctorSummary> {
  let cached: { at: number; value: DoctorSummary } | null = null;
  let inflight: Promise<DoctorSummary> | null = null;
  return () => {
    if (cached !== null && Date.now() - cached.at < cacheMs) return Promise.resolve(cached.value);
    inflight ??= (async () => {
      try {
        const fstab = root === '/' && existsSync('/etc/fstab') ? '/etc/fstab' : null;
        const r = await runDoctor({ root, plan, fstab, now: new Date(), planSource: 'given' });
        cached = { at: Date.now(), value: { counts: r.counts, findings: r.findings } };
        return cached.value;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };
}
