// What the dataset's files contain: pseudo-English text, semi-compressible "binary" blocks and
// database pages of 8 KiB. All deterministic in their seed.
import { randomBytesOf, Rng } from './prng.ts';

const SYLLABLES = ['an', 'ber', 'cal', 'do', 'en', 'fra', 'gi', 'ho', 'is', 'jun', 'ka', 'lo', 'mar', 'ne', 'or', 'pi',
  'qua', 'ro', 'sta', 'ti', 'ul', 've', 'wi', 'xe', 'yo', 'zu', 'th', 'ing', 'er', 'ly', 'tion', 'ment'];

function makeVocabulary(): string[] {
  const rng = new Rng('vocabulary');
  const words = new Set<string>(['the', 'of', 'and', 'to', 'a', 'in', 'is', 'it', 'that', 'for', 'on', 'was', 'with', 'as', 'by']);
  while (words.size < 4000) {
    let word = '';
    for (let i = rng.int(1, 4); i > 0; i--) word += rng.pick(SYLLABLES);
    words.add(word);
  }
  return [...words];
}

const VOCABULARY = makeVocabulary();

/** Pseudo-English of exactly `size` bytes: Zipf-like word choice, sentences, lines of ≤ 76 characters. */
export function text(rng: Rng, size: number): Buffer {
  const out = Buffer.allocUnsafe(size + 128);
  let at = 0;
  let line = 0;
  let sentence = 0;
  while (at < size) {
    let word = VOCABULARY[Math.floor(VOCABULARY.length * rng.next() ** 3)]!;
    if (sentence === 0) word = word[0]!.toUpperCase() + word.slice(1);
    sentence += 1;
    const end = sentence > 6 && rng.next() < 0.15 ? (rng.next() < 0.2 ? ',' : '.') : '';
    if (end === '.') sentence = 0;
    const piece = `${word}${end}`;
    if (line + piece.length + 1 > 76) { out[at++] = 0x0a; line = 0; } else if (line > 0) { out[at++] = 0x20; line += 1; }
    at += out.write(piece, at, 'latin1');
    line += piece.length;
  }
  out[size - 1] = 0x0a;
  return out.subarray(0, size);
}

const BLOCK = 64 * 1024;

/**
 * "Binary" bytes like executables and archives mix: per 64 KiB block, 40 % random and 60 % low
 * entropy (4 bits per byte), so zstd stores about 60–70 % of it.
 */
export function binary(length: number, seed: string): Buffer {
  const out = randomBytesOf(length, `binary:${seed}`);
  const rng = new Rng(`binary-mix:${seed}`);
  for (let at = 0; at + BLOCK <= length; at += BLOCK) {
    if (rng.next() < 0.4) continue;
    const words = new Uint32Array(out.buffer, out.byteOffset + at, BLOCK / 4);
    for (let i = 0; i < words.length; i++) words[i] = words[i]! & 0x0f0f0f0f;
  }
  return out;
}

export const PAGE = 8192;

/** Rows are copied from a pool of templates with their id, time and amount fields overwritten. */
const ROWS = (() => {
  const rng = new Rng('db-rows');
  return Array.from({ length: 512 }, () => {
    const body = text(rng, rng.int(48, 140)).toString('latin1').replace(/\n/g, ' ');
    return Buffer.from(`\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000|${body}|`, 'latin1');
  });
})();

/** One database page: a 24-byte header (page number, LSN, fill), rows, and zeroed free space. */
export function dbPage(rng: Rng, pageNo: number, lsn: number): Buffer {
  const page = Buffer.alloc(PAGE);
  const fill = Math.floor(PAGE * (0.55 + 0.4 * rng.next()));
  page.writeUInt32LE(pageNo, 0);
  page.writeBigUInt64LE(BigInt(lsn), 8);
  let at = 24;
  let rows = 0;
  while (true) {
    const row = rng.pick(ROWS);
    if (at + row.length > fill) break;
    row.copy(page, at);
    page.writeUInt32LE(pageNo * 64 + rows, at);
    page.writeUInt32LE(1_700_000_000 + Math.floor(rng.next() * 3e7), at + 4);
    page.writeUInt32LE(Math.floor(rng.next() * 1e6), at + 8);
    at += row.length;
    rows += 1;
  }
  page.writeUInt16LE(rows, 16);
  page.writeUInt16LE(at, 18);
  return page;
}
