// Hand-computed period keys: each tier, the ISO week-year edges, DST and zones east and west of UTC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { periodKey } from './period.ts';

test('calendar keys of one instant in UTC, Berlin, New York and Tokyo', () => {
  const t = '2026-11-23T23:30:00Z'; // Mon 23:30 UTC = Tue 00:30 CET = Mon 18:30 EST = Tue 08:30 JST
  assert.equal(periodKey('daily', t, null), '2026-11-23');
  assert.equal(periodKey('daily', t, 'Europe/Berlin'), '2026-11-24');
  assert.equal(periodKey('daily', t, 'America/New_York'), '2026-11-23');
  assert.equal(periodKey('daily', t, 'Asia/Tokyo'), '2026-11-24');
  assert.equal(periodKey('monthly', '2026-11-30T23:30:00Z', 'Europe/Berlin'), '2026-12');
  assert.equal(periodKey('yearly', '2026-12-31T23:30:00Z', 'Asia/Tokyo'), '2027');
  assert.equal(periodKey('yearly', '2027-01-01T03:00:00Z', 'America/New_York'), '2026');
});

test('weekly keys are ISO weeks: Monday start, the year that holds the Thursday', () => {
  assert.equal(periodKey('weekly', '2026-11-23T12:00:00Z', null), '2026-W48'); // Monday
  assert.equal(periodKey('weekly', '2026-11-29T12:00:00Z', null), '2026-W48'); // Sunday, same week
  assert.equal(periodKey('weekly', '2026-11-30T00:00:00Z', null), '2026-W49'); // next Monday 00:00
  assert.equal(periodKey('weekly', '2026-12-31T12:00:00Z', null), '2026-W53'); // 2026 starts on a Thursday: 53 weeks
  assert.equal(periodKey('weekly', '2027-01-03T12:00:00Z', null), '2026-W53'); // Sunday 3 Jan 2027
  assert.equal(periodKey('weekly', '2027-01-04T12:00:00Z', null), '2027-W01');
  assert.equal(periodKey('weekly', '2024-12-30T12:00:00Z', null), '2025-W01'); // Monday of the week holding 1 Jan 2025
  // Sunday 23:30 UTC is already Monday in Berlin: the week changes with the local calendar.
  assert.equal(periodKey('weekly', '2026-11-29T23:30:00Z', null), '2026-W48');
  assert.equal(periodKey('weekly', '2026-11-29T23:30:00Z', 'Europe/Berlin'), '2026-W49');
});

test('hourly keys: local hour plus offset, so the repeated autumn hour is two hours', () => {
  assert.equal(periodKey('hourly', '2026-10-25T00:10:00Z', 'Europe/Berlin'), '2026-10-25T02:00+02:00');
  assert.equal(periodKey('hourly', '2026-10-25T01:10:00Z', 'Europe/Berlin'), '2026-10-25T02:00+01:00');
  assert.equal(periodKey('hourly', '2026-10-25T02:10:00Z', 'Europe/Berlin'), '2026-10-25T03:00+01:00');
  // Spring: 01:59 CET is followed by 03:00 CEST; there is no 02:xx key.
  assert.equal(periodKey('hourly', '2026-03-29T00:59:00Z', 'Europe/Berlin'), '2026-03-29T01:00+01:00');
  assert.equal(periodKey('hourly', '2026-03-29T01:00:00Z', 'Europe/Berlin'), '2026-03-29T03:00+02:00');
  assert.equal(periodKey('hourly', '2026-11-24T14:59:59.999Z', null), '2026-11-24T14:00+00:00');
  // Half-hour zone: hours follow the local clock (14:00–14:59 IST), not UTC hours.
  assert.equal(periodKey('hourly', '2026-11-24T08:45:00Z', 'Asia/Kolkata'), '2026-11-24T14:00+05:30');
  assert.equal(periodKey('hourly', '2026-11-24T09:15:00Z', 'Asia/Kolkata'), '2026-11-24T14:00+05:30');
});

test('frequent keys: slots of frequentMinutes aligned to local midnight', () => {
  assert.equal(periodKey('frequent', '2026-11-24T10:14:59Z', null, 15), '2026-11-24T10:00+00:00');
  assert.equal(periodKey('frequent', '2026-11-24T10:15:00Z', null, 15), '2026-11-24T10:15+00:00');
  assert.equal(periodKey('frequent', '2026-11-24T10:15:00Z', 'Europe/Berlin', 240), '2026-11-24T08:00+01:00');
  assert.equal(periodKey('frequent', '2026-11-24T22:59:00Z', 'Europe/Berlin', 240), '2026-11-24T20:00+01:00');
  assert.equal(periodKey('frequent', '2026-11-24T23:00:00Z', 'Europe/Berlin', 240), '2026-11-25T00:00+01:00');
  assert.equal(periodKey('frequent', Date.UTC(2026, 10, 24, 10, 7), null, 5), '2026-11-24T10:05+00:00');
});

test('periodKey refuses what it cannot bucket', () => {
  assert.throws(() => periodKey('daily', 'yesterday', null), /not an instant/);
  assert.throws(() => periodKey('frequent', '2026-11-24T10:00:00Z', null, null), /frequentMinutes/);
  assert.throws(() => periodKey('daily', '2026-11-24T10:00:00Z', 'Mars/Olympus'), /unknown time zone/);
});
