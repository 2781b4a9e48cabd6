// The price table and fleet files `panther cost` and `cost simulate` take: read, then checked by
// parsePrices / parseFleet. A file that cannot be read is a usage error naming it.
import { readFile } from 'node:fs/promises';
import { ExitCode, PantherError } from '../core/errors.ts';
import { defaultFleet, parseFleet, type Fleet } from './fleet.ts';
import { B2_PRICES, parsePrices, type PriceTable } from './prices.ts';

/** The B2 price table, with the fields `file` changes (none without a file). */
export async function readPrices(file: string | undefined): Promise<PriceTable> {
  if (file === undefined) return B2_PRICES;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new PantherError('prices-unreadable', `${file}: cannot read the price table (${(cause as Error).message})`, {
      subject: file, cause, exitCode: ExitCode.usage, hint: 'pass a JSON file with the fields to change, e.g. { "storage": { "usdPerTBMonth": 7 } }',
    });
  }
  return parsePrices(json, file);
}

/** The default fleet, with the fields `file` changes (none without a file). */
export async function readFleet(file: string | undefined): Promise<Fleet> {
  if (file === undefined) return defaultFleet();
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new PantherError('fleet-unreadable', `${file}: cannot read the fleet (${(cause as Error).message})`, {
      subject: file, cause, exitCode: ExitCode.usage, hint: 'pass a JSON file; `panther cost simulate --json` shows the default under "fleet"',
    });
  }
  return parseFleet(json, file);
}
