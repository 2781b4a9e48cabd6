// UTC calendar arithmetic for the cost model: B2's day boundary is 00:00 UTC and its months are
// calendar months, so cost/ never uses a local time zone.

/** Whole UTC days since 1970-01-01 of a "YYYY-MM-DD" date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

/** "YYYY-MM" → the month after it. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function daysIn(month: string): number {
  return dayNumber(`${nextMonth(month)}-01`) - dayNumber(`${month}-01`);
}

/** `count` consecutive months from `start`. */
export function monthList(start: string, count: number): string[] {
  const out = [start];
  while (out.length < count) out.push(nextMonth(out[out.length - 1]!));
  return out;
}

export function isMonth(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
}
