// Preloaded with `node --import` by test/bundle.test.ts: writes "touched" to $PANTHER_STDERR_LOG
// at exit if anything read process.stderr (which creates its stream), "untouched" otherwise.
import { writeFileSync } from 'node:fs';

const own = Object.getOwnPropertyDescriptor(process, 'stderr')!;
let touched = false;
Object.defineProperty(process, 'stderr', {
  configurable: true, enumerable: own.enumerable,
  get() { touched = true; return own.get!.call(process); },
});
process.on('exit', () => { writeFileSync(process.env['PANTHER_STDERR_LOG']!, touched ? 'touched' : 'untouched'); });
