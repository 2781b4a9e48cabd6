// How well one profile's `match` fits a report. Hard constraints (machine kind, disk count,
// transports, size floor) decide whether it fits at all; the soft signals (provider, nominal size)
// must confirm at least one declared fact, and every unconfirmed one lowers the confidence.
import { formatGB } from '../core/bytes.ts';
import type { DetectableProfile, Disk, HostReport } from './types.ts';

export const SIZE_TOLERANCE = 0.05;

export type FailureKind = 'machine' | 'disk-count' | 'transport' | 'size' | 'provider-conflict' | 'no-signal';

export interface Evaluation {
  profile: DetectableProfile;
  failure: FailureKind | null;
  /** Human-readable: why it fits, or the first reason it does not. */
  why: string;
  /** Disks at or above the profile's minimum, largest first (after a root tie-break, if any). */
  pool: Disk[];
  /** Reasons that lower confidence when this profile is chosen. */
  caps: string[];
  score: number;
}

export function diskList(disks: Disk[]): string {
  return disks.map((d) => `${d.device} ${formatGB(d.sizeBytes)}`).join(', ');
}

function vendorMatches(profile: DetectableProfile, vendor: string | null): boolean | null {
  const providers = profile.match.providers;
  if (providers === undefined || vendor === null) return null;
  return providers.some((p) => vendor.toLowerCase().includes(p.toLowerCase()));
}

export function sizeWithin(bytes: number, nominalGB: number): boolean {
  return Math.abs(bytes / 1e9 - nominalGB) <= nominalGB * SIZE_TOLERANCE;
}

function fail(profile: DetectableProfile, failure: FailureKind, why: string, pool: Disk[], score: number): Evaluation {
  return { profile, failure, why, pool, caps: [], score };
}

/**
 * `considered` are the disks that could be system disks (not removable, not a cloud volume, not an
 * install medium); `baseCaps` are confidence-lowering facts about the others.
 */
export function evaluate(profile: DetectableProfile, report: HostReport, considered: Disk[], baseCaps: string[],
  all: readonly DetectableProfile[]): Evaluation {
  const m = profile.match;
  const { kind, vendor } = report.machine;
  if (!m.machine.includes(kind)) {
    const what = kind === 'unknown' ? 'a machine of unknown kind' : `a ${kind}`;
    return fail(profile, 'machine', `for ${m.machine.join('/')}; this is ${what}`, [], 0);
  }

  const min = m.disks.minBytes;
  const caps = [...baseCaps];
  let pool = considered.filter((d) => d.sizeBytes >= min)
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.device.localeCompare(b.device));
  const small = considered.filter((d) => d.sizeBytes < min);
  if (small.length > 0) caps.push(`${diskList(small)} below ${formatGB(min)}: not a pool disk`);

  // A VPS with a second, non-volume disk: the disk holding the running root or the NixOS root
  // label is the system disk, but only as a tie-break that lowers confidence; /dev/root has been
  // seen on a VM's install medium (docs/knowledge/facter.md §8), which is why install media are excluded first.
  if (kind === 'vps' && m.disks.count === 1 && pool.length > 1) {
    const marked = pool.filter((d) => d.holdsRoot === true || (d.labels ?? []).includes('nixos'));
    if (marked.length === 1 && marked[0] !== undefined) {
      caps.push(`${marked[0].device} taken as the system disk only because it holds the running root; other disks: ${diskList(pool.filter((d) => d !== marked[0]))}`);
      pool = marked;
    }
  }
  const tooSmall = small.length > 0 ? `; below ${formatGB(min)}, not counted: ${diskList(small)}` : '';
  if (pool.length !== m.disks.count) {
    const wanted = `${m.disks.count} ${m.disks.transports.join('/')} disk(s) of at least ${formatGB(min)}`;
    const found = pool.length === 0 ? 'none' : `${pool.length} (${diskList(pool)})`;
    return fail(profile, 'disk-count', `wants ${wanted}, found ${found}${tooSmall}`, pool, 0.2);
  }
  const wrong = pool.filter((d) => !m.disks.transports.includes(d.transport));
  if (wrong.length > 0) {
    const what = wrong.map((d) => `${d.device} is ${d.transport}`).join(', ');
    return fail(profile, 'transport', `${what}; wants ${m.disks.transports.join('/')}${tooSmall}`, pool, 0.25);
  }

  const system = pool[0];
  const sizeOk = m.nominalSizeGB === undefined || system === undefined ? null : sizeWithin(system.sizeBytes, m.nominalSizeGB);
  const providerOk = vendorMatches(profile, vendor);
  if (sizeOk === false && system !== undefined) {
    const also = providerOk === true ? ` (SMBIOS vendor ${vendor} does match)` : '';
    return fail(profile, 'size', `disk ${formatGB(system.sizeBytes)} is not within 5% of ${m.nominalSizeGB} GB${also}`, pool, providerOk ? 0.4 : 0.3);
  }
  if (providerOk !== true && vendor !== null) {
    const other = all.find((p) => p !== profile && vendorMatches(p, vendor) === true);
    if (other) return fail(profile, 'provider-conflict', `SMBIOS vendor ${vendor} points at ${other.id}`, pool, 0.3);
  }
  const declared = (m.nominalSizeGB === undefined ? 0 : 1) + (m.providers === undefined ? 0 : 1);
  if (declared > 0 && sizeOk !== true && providerOk !== true) {
    return fail(profile, 'no-signal', `neither disk size nor SMBIOS vendor (${vendor ?? 'absent'}) confirms it`, pool, 0.3);
  }

  const facts = [`${kind} with ${diskList(pool)} (${pool.map((d) => d.transport).join(', ')})`];
  if (sizeOk === true) facts.push(`size within 5% of ${m.nominalSizeGB} GB`);
  if (providerOk === true) facts.push(`SMBIOS vendor ${vendor} matches`);
  if (m.nominalSizeGB !== undefined && sizeOk !== true) caps.push(`disk size does not confirm ${m.nominalSizeGB} GB`);
  if (m.providers !== undefined && providerOk !== true) {
    caps.push(`SMBIOS vendor ${vendor ?? 'absent'} is not ${m.providers.join('/')}: only the disk size matches`);
  }
  return { profile, failure: null, why: facts.join('; '), pool, caps, score: Math.max(0.5, 1 - 0.15 * caps.length) };
}
