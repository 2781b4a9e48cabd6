import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultFleet, parseFleet, type Fleet, type FleetHost } from './fleet.ts';
import { B2_PRICES } from './prices.ts';
import { simulateFleet, type FleetSimulation } from './simulate.ts';
import { scheduleFromPlan, windowState, windowsFrom } from '../plan/backup-window.ts';

const LAPTOP = { daily: 7, weekly: 4, monthly: 12, yearly: 0 };
const SERVER = { daily: 30, weekly: 12, monthly: 12, yearly: 0 };
const WINDOW = { weekdays: '02:00-05:00', weekends: '02:00-06:00' };

function fleetOf(hosts: FleetHost[], over: Partial<Fleet> = {}): Fleet {
  return { ...defaultFleet(), ...over, hosts };
}

function host(over: Partial<FleetHost> = {}): FleetHost {
  return { name: 'h', usedGB: 100, dailyChange: 0.01, retention: LAPTOP, window: WINDOW, bandwidthBitsPerSecond: 10_000_000, ...over };
}

function approach(r: FleetSimulation, a: 'panther' | 'btrbk-raw') {
  return r.approaches.find((x) => x.approach === a)!;
}

// Month 1 is excluded, and for heavy churn months 2–3: early on the raw way holds one or two fulls
// and their incrementals, while we hold the seed plus deduplicated fulls every 14 days, and in the
// model a full's changed chunks never match the incrementals' (different byte streams), so changed
// data sits twice until those points expire (chain-model.ts). From then on the raw way's monthly
// fulls cost more than anything dedup can add.
function oursNeverAboveRaw(maxChange: number, fromMonth: number): void {
  fc.assert(fc.property(
    fc.record({
      usedGB: fc.integer({ min: 5, max: 500 }),
      dailyChange: fc.double({ min: 0.001, max: maxChange, noNaN: true }),
      hotFraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
      growthPerMonth: fc.constantFrom(0, 0.01, 0.05),
      retention: fc.constantFrom(LAPTOP, SERVER),
    }),
    fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
    fc.double({ min: 0.2, max: 0.8, noNaN: true }),
    (h, dedup, compression) => {
      const r = simulateFleet(fleetOf([host(h)], { dedup, compression }), { start: '2027-01', months: 12, prices: B2_PRICES });
      const ours = approach(r, 'panther').months;
      const raw = approach(r, 'btrbk-raw').months;
      for (let m = fromMonth - 1; m < 12; m++) {
        const slack = 1 + 1e-9; // dedup = 1 can tie exactly; floats then differ in the last bits
        assert.ok(ours[m]!.storedBytes <= raw[m]!.storedBytes * slack, `${r.months[m]}: ours ${ours[m]!.storedBytes} > raw ${raw[m]!.storedBytes}`);
        assert.ok(ours[m]!.billUsd <= raw[m]!.billUsd * slack + 1e-9);
      }
    },
  ), { numRuns: 30 });
}

test('simulate: ours ≤ the raw way from month 2 for any dedup (no dedup included) at up to 2 %/day change', () => {
  oursNeverAboveRaw(0.02, 2);
});

test('simulate: ours ≤ the raw way from month 4 for any dedup at up to 5 %/day change', () => {
  oursNeverAboveRaw(0.05, 4);
});

test('simulate: nights to seed = ceil(size / (cap × window)) with one window length', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(5e6, 10e6, 20e6, 50e6), fc.integer({ min: 1, max: 6 }), (usedGB, bps, hours) => {
    const window = { weekdays: `02:00-${String(2 + hours).padStart(2, '0')}:00`, weekends: `02:00-${String(2 + hours).padStart(2, '0')}:00` };
    const fleet = fleetOf([host({ usedGB, bandwidthBitsPerSecond: bps, window })]);
    const r = simulateFleet(fleet, { start: '2027-01', months: 12, prices: B2_PRICES });
    for (const [a, factor] of [['panther', fleet.compression * fleet.dedup], ['btrbk-raw', fleet.compression]] as const) {
      const size = usedGB * 1e9 * factor;
      const perNight = (bps / 8) * hours * 3600;
      const expected = Math.ceil(size / perNight);
      const got = approach(r, a).hosts[0]!.seedNights;
      assert.equal(got, expected > 365 ? null : expected, `${a}: ${usedGB} GB at ${bps / 1e6} Mbit/s × ${hours} h`);
    }
  }), { numRuns: 60 });
});

test('simulate: with 3 h weekday and 4 h weekend windows the seed takes as many nights as walking the calendar says', () => {
  const r = simulateFleet(defaultFleet(), { start: '2027-01', months: 12, prices: B2_PRICES });
  for (const a of r.approaches) {
    for (const h of a.hosts) {
      let left = h.seedBytes;
      let nights = 0;
      for (let d = Date.UTC(2027, 0, 1); left > 0; d += 86_400_000) {
        const weekday = new Date(d).getUTCDay();
        left -= 1.25e6 * 3600 * (weekday === 0 || weekday === 6 ? 4 : 3);
        nights++;
      }
      assert.equal(h.seedNights, nights, `${a.approach} ${h.name}`);
      assert.ok(nights >= Math.ceil(h.seedBytes / 18e9) && nights <= Math.ceil(h.seedBytes / 13.5e9));
    }
  }
  // The spec's big laptop: 600 GB × 0.7 × 0.9 = 378 GB at 13.5–18 GB a night.
  assert.equal(approach(r, 'panther').hosts.find((h) => h.name === 'zephyrus')!.seedNights, 26);
});

test('simulate: month totals are the hosts summed, billed with the free 10 GB once for the account', () => {
  const r = simulateFleet(defaultFleet(), { start: '2027-01', months: 12, prices: B2_PRICES });
  assert.equal(r.months.length, 12);
  assert.equal(r.months[11], '2027-12');
  for (const a of r.approaches) {
    const m12 = a.months[11]!;
    const stored = a.hosts.reduce((s, h) => s + h.months[11]!.storedBytes, 0);
    const average = a.hosts.reduce((s, h) => s + h.months[11]!.averageStoredBytes, 0);
    assert.ok(Math.abs(m12.storedBytes - stored) < 1);
    assert.ok(Math.abs(m12.averageStoredBytes - average) < 1);
    // 5 hosts × (20 B + 10 C) calls a night stay far under 2,500 a day: storage is the whole bill.
    assert.equal(m12.transactionsUsd, 0);
    assert.ok(Math.abs(m12.billUsd - (average / 1e9 - 10) * 0.006) < 1e-9);
    assert.ok(Math.abs(m12.fractionOfBudget - m12.billUsd / 10) < 1e-12);
    const hostSum = a.hosts.reduce((s, h) => s + h.months[11]!.storageUsd, 0);
    assert.ok(Math.abs(hostSum - m12.billUsd - 10 * 0.006) < 1e-9, 'per-host bills leave the free 10 GB to the account');
  }
  const ours = approach(r, 'panther').months[11]!;
  const raw = approach(r, 'btrbk-raw').months[11]!;
  assert.ok(raw.storedBytes > 3 * ours.storedBytes, 'monthly fulls without dedup cost several times more');
  assert.ok(approach(r, 'btrbk-raw').hosts.find((h) => h.name === 'zephyrus')!.months.some((m) => !m.fits), 'a 420 GB monthly full does not fit 10 Mbit/s × 3–4 h');
  assert.ok(approach(r, 'panther').hosts.every((h) => h.months.every((m) => m.fits)));
});

test('simulate: thinner retention never stores more (model monotone in every tier)', () => {
  fc.assert(fc.property(fc.constantFrom('daily', 'weekly', 'monthly') as fc.Arbitrary<'daily' | 'weekly' | 'monthly'>, fc.integer({ min: 1, max: 6 }), (tier, cut) => {
    const thinner = { ...SERVER, [tier]: Math.max(0, SERVER[tier] - cut) };
    const [a, b] = [SERVER, thinner].map((retention) => simulateFleet(fleetOf([host({ retention, dailyChange: 0.02, hotFraction: 0.3 })]), { start: '2027-01', months: 8, prices: B2_PRICES }));
    for (let m = 0; m < 8; m++) assert.ok(approach(b!, 'panther').months[m]!.storedBytes <= approach(a!, 'panther').months[m]!.storedBytes + 1e-6);
  }), { numRuns: 12 });
});

test('fleet files: defaults for spec hosts, every problem listed for the rest', () => {
  const f = parseFleet({ dedup: 0.8, hosts: [{ name: 'zephyrus', usedGB: 900 }, { name: 'nas', usedGB: 2000, dailyChange: 0.001, retention: { daily: 7, monthly: 24 }, window: WINDOW }] }, 'f.json');
  assert.equal(f.dedup, 0.8);
  assert.equal(f.hosts[0]!.usedGB, 900);
  assert.equal(f.hosts[0]!.dailyChange, 0.01, 'inherited from the spec host');
  assert.equal(f.hosts[0]!.budgetUsd, 3);
  assert.deepEqual(f.hosts[1]!.retention, { daily: 7, weekly: 0, monthly: 24, yearly: 0 });
  assert.throws(() => parseFleet({ dedup: 2, hosts: [{ name: 'Bad Name' }, { name: 'nas', usedGB: -1 }], colour: 'red' }, 'bad.json'),
    (e: { code: string; details: { problems: string[] } }) => e.code === 'fleet-invalid' && e.details.problems.length >= 6);
});

// Contradiction fixed (issue 11): cost simulate named nights by the UTC weekday, backup status by the
// local date the window opens on. East of UTC the window of local Saturday 02:00 opens on a UTC
// Friday: backup called it a weekend night (4 h), cost a weekday one (3 h).
test('simulate: weekend nights are the local ones backup status shows, east of UTC too', () => {
  // 2027-01-01 is a Friday (UTC). 3.5 h at 10 Mbit/s: more than a weekday night, less than a weekend one.
  const seedGB = (3.5 * 3600 * 1.25e6) / 1e9;
  for (const [timezone, nights] of [['Asia/Tokyo', 1], ['Pacific/Auckland', 1], ['UTC', 2]] as const) {
    const schedule = scheduleFromPlan({ window: WINDOW, staggerMinutes: 0, bandwidthBitsPerSecond: 10_000_000, monthlyBudgetUsd: 5 }, timezone);
    const first = windowsFrom(schedule, Date.parse('2027-01-01T00:00:00Z')).next().value!;
    const status = windowState(schedule, first.opensAt);
    assert.equal(status.kind, timezone === 'UTC' ? 'weekdays' : 'weekends', timezone);
    const r = simulateFleet(fleetOf([host({ usedGB: seedGB, timezone })], { compression: 1, dedup: 1 }), { start: '2027-01', months: 1, prices: B2_PRICES });
    for (const a of r.approaches) assert.equal(a.hosts[0]!.seedNights, nights, `${timezone} ${a.approach}`);
  }
});

test('fleet: a stagger that leaves no time in a window is refused as backup run refuses it', () => {
  assert.throws(() => parseFleet({ hosts: [{ name: 'zephyrus', staggerMinutes: 200 }] }, 'f.json'), /hosts\[0\]\.staggerMinutes: a stagger of 200 minutes leaves no time in the weekdays window 02:00-05:00/);
  assert.throws(() => parseFleet({ hosts: [{ name: 'zephyrus', window: { weekdays: '2:00-05:00', weekends: '02:00-06:00' } }] }, 'f.json'), /hosts\[0\]\.window\.weekdays: "2:00-05:00" is not a window "HH:MM-HH:MM"/);
  assert.throws(() => parseFleet({ hosts: [{ name: 'zephyrus', timezone: 'Mars/Olympus' }] }, 'f.json'), /hosts\[0\]\.timezone/);
  assert.equal(parseFleet({ hosts: [{ name: 'zephyrus', timezone: 'Asia/Tokyo' }] }, 'f.json').hosts[0]!.timezone, 'Asia/Tokyo');
});
