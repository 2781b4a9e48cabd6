// A second test reporter (npm test writes it to stderr): at the very end it says how many tests were
// skipped and why, grouped by reason, so someone running `npm test` by hand on a machine that lacks a
// tool sees it without scrolling through the TAP output, then a closing `tests: N passed, N failed,
// N skipped` line (tests, not suites; a test cancelled by a failed hook counts as failed). Under CI=true nothing may skip (the requirement checks throw instead).
interface TestEventData {
  name: string;
  skip?: boolean | string;
  todo?: boolean | string;
  details?: { type?: 'suite' | 'test'; error?: { failureType?: string } };
}
interface TestEvent { type: string; data: TestEventData }

export default async function* skipSummary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const reasons = new Map<string, string[]>();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, name, details } = event.data;
    if (skip !== undefined && skip !== false) {
      skipped += 1;
      const reason = typeof skip === 'string' && skip !== '' ? skip : '(no reason given)';
      reasons.set(reason, [...(reasons.get(reason) ?? []), name]);
    } else if (details?.type === 'suite') {
      // A suite is not a test: its tests are counted (a failed hook cancels them, and they count as failed).
      continue;
    } else if (event.type === 'test:fail') {
      failed += 1;
    } else {
      passed += 1;
    }
  }
  const lines: string[] = [''];
  if (skipped === 0) lines.push('skip summary: no test skipped');
  else {
    lines.push(`skip summary: ${skipped} skipped — install what is missing (bash scripts/setup.sh) and run as root:`);
    for (const [reason, names] of [...reasons].sort((a, b) => b[1].length - a[1].length)) {
      const shown = names.slice(0, 3).join('; ') + (names.length > 3 ? `; … ${names.length - 3} more` : '');
      lines.push(`  ${names.length} × ${reason}`, `      (${shown})`);
    }
  }
  lines.push(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  yield `${lines.join('\n')}\n`;
}
