// Which profile a report points to, with the facts used. Pure. A confident wrong answer is the
// worst outcome (it formats the wrong disks), so anything not determined is refused: profile null,
// a reason, and the scored candidates, so the user can pin the host in an inventory instead.
import { formatGB } from '../core/bytes.ts';
import type { Confidence, DetectableProfile, Detection, Disk, HostReport } from './types.ts';
import { diskList, evaluate, type Evaluation } from './fit.ts';
import { isContainer } from './machine.ts';
import { isInstallerLabel } from './disks.ts';

// Block-storage volumes attached to a cloud VM; they are data disks, never the boot disk.
const VOLUME_MODEL = /^(HC Volume|ORACLE BlockVolume)/i;

export interface Split {
  considered: Disk[];
  notes: string[];
  caps: string[];
}

/** Disks that cannot be system disks whatever the profile: USB, cloud volumes, install media. */
export function splitDisks(disks: Disk[]): Split {
  const split: Split = { considered: [], notes: [], caps: [] };
  for (const d of disks) {
    const installer = (d.labels ?? []).find(isInstallerLabel);
    if (d.removable) {
      if (installer !== undefined) {
        split.notes.push(`${d.device}: USB install medium (label ${installer}), never planned`);
      } else {
        const note = `${d.device}: USB disk (${formatGB(d.sizeBytes)}), never planned; pin the host in an inventory if it should be`;
        split.notes.push(note);
        split.caps.push(note);
      }
    } else if (VOLUME_MODEL.test(d.model)) {
      split.notes.push(`${d.device}: cloud block volume ("${d.model}"), not the system disk`);
    } else if (installer !== undefined) {
      split.notes.push(`${d.device}: NixOS install medium (label ${installer}), not the system disk`);
    } else {
      split.considered.push(d);
    }
  }
  return split;
}

function machineLines(report: HostReport): string[] {
  const m = report.machine;
  const lines = [`machine: ${m.kind}${m.kindReason === undefined ? '' : ` (${m.kindReason})`}`];
  lines.push(`virtualisation: ${m.virtualisation ?? 'absent'}`);
  if (m.vendor !== null || m.product !== null) lines.push(`SMBIOS system: ${m.vendor ?? '?'} / ${m.product ?? '?'}`);
  if (m.chassisType !== null) lines.push(`SMBIOS chassis type: ${m.chassisType}`);
  lines.push(`architecture ${m.architecture ?? 'unknown'}, firmware ${m.firmware}, report format ${report.format}`);
  for (const d of report.disks) {
    lines.push(`disk ${d.device}: ${d.transport}, ${formatGB(d.sizeBytes)}, "${d.model}"${d.removable ? ', removable (USB)' : ''}`);
  }
  for (const i of report.ignored) lines.push(`ignored ${i.device}: ${i.reason}`);
  return lines;
}

function count(n: number): string {
  return ['no', 'one', 'two', 'three', 'four'][n] ?? String(n);
}

function refusalReason(report: HostReport, evals: Evaluation[], profiles: readonly DetectableProfile[]): string {
  const kind = report.machine.kind;
  const pin = 'pin this host in an inventory';
  const relevant = evals.filter((e) => e.failure !== 'machine');
  if (relevant.length === 0) {
    const kinds = [...new Set(profiles.flatMap((p) => p.match.machine))].join(', ');
    return `no profile is for a ${kind} (profiles cover: ${kinds || 'nothing'}); ${pin} or add a profile`;
  }
  if (kind === 'vps') {
    const crowded = relevant.find((e) => e.failure === 'disk-count' && e.pool.length > e.profile.match.disks.count);
    if (crowded) return `VPS with ${count(crowded.pool.length)} disks: system disk unclear (${diskList(crowded.pool)}); ${pin}`;
    const conflict = relevant.find((e) => e.failure === 'provider-conflict');
    if (conflict) return `${conflict.why}, but the disk matches ${conflict.profile.id}; ${pin}`;
    const sized = relevant.filter((e) => e.failure === 'size');
    const disk = sized[0]?.pool[0];
    if (disk !== undefined && sized.length === relevant.length) {
      const nominal = sized.map((e) => e.profile.match.nominalSizeGB).join('/');
      return `VPS of unknown size: ${formatGB(disk.sizeBytes)} matches none of ${nominal} GB; ${pin}`;
    }
  }
  const closest = [...relevant].sort((a, b) => b.score - a.score)[0];
  return `no profile fits this ${kind}: ${closest?.profile.id}: ${closest?.why}; ${pin}`;
}

export function detectProfile(report: HostReport, profiles: readonly DetectableProfile[]): Detection {
  const split = splitDisks(report.disks);
  const evidence = [...machineLines(report), ...split.notes];
  const evals = profiles.map((p) => evaluate(p, report, split.considered, split.caps, profiles));
  const candidates = evals
    .map((e) => ({ profile: e.profile.id, score: Math.round(e.score * 100) / 100, why: e.failure === null ? `fits: ${e.why}` : e.why }))
    .sort((a, b) => b.score - a.score);
  const base = { machine: report.machine.kind, disks: report.disks, ignored: report.ignored, evidence, candidates };
  const refuse = (reason: string): Detection =>
    ({ ...base, profile: null, confidence: null, reason, poolDisks: [] });

  const m = report.machine;
  if (isContainer(m.virtualisation)) return refuse(m.kindReason ?? `container (${m.virtualisation})`);
  if (m.kind === 'unknown') {
    return refuse(`cannot tell what kind of machine this is: ${m.kindReason ?? 'no evidence'}; pin this host in an inventory`);
  }
  const fits = evals.filter((e) => e.failure === null).sort((a, b) => b.score - a.score);
  const best = fits[0];
  if (best === undefined) return refuse(refusalReason(report, evals, profiles));
  const runnerUp = fits[1];
  if (runnerUp !== undefined && runnerUp.score === best.score) {
    return refuse(`ambiguous: ${fits.filter((f) => f.score === best.score).map((f) => f.profile.id).join(' and ')} fit equally well; pin this host in an inventory`);
  }
  const caps = [...best.caps];
  if (runnerUp !== undefined) caps.push(`also fits, less well: ${fits.slice(1).map((f) => f.profile.id).join(', ')}`);
  // Callers plan any non-null profile, so two independent doubts are a refusal, not a 'low' guess.
  if (caps.length > 1) {
    return refuse(`not sure enough: ${best.profile.id} fits, but ${caps.join('; ')}; pin this host in an inventory`);
  }
  const confidence: Confidence = caps.length === 0 ? 'high' : 'medium';
  evidence.push(`chosen ${best.profile.id}: ${best.why}`, ...caps.map((c) => `lowers confidence: ${c}`));
  return { ...base, profile: best.profile.id, confidence, reason: null, poolDisks: best.pool };
}
