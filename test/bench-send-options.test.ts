// The benchmark measures what a backup does only if its panther entry sends with the options of
// `panther backup run`: both take them from src/backup/send-options.ts, and no other sendStream
// call sits in either file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sendArgs } from '../src/btrfs/index.ts';
import { BACKUP_SEND_OPTIONS } from '../src/backup/send-options.ts';

const source = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

test('backup run and the bench entry both send with BACKUP_SEND_OPTIONS', () => {
  for (const path of ['src/backup/run.ts', 'bench/panther-child.ts']) {
    const calls = source(path).match(/sendStream\([^;]*\);/g) ?? [];
    assert.equal(calls.length, 1, `${path}: one sendStream call expected, found ${calls.length}`);
    assert.match(calls[0]!, /\.\.\.BACKUP_SEND_OPTIONS/, `${path} sends without BACKUP_SEND_OPTIONS`);
  }
});

test('the backup send options are protocol 2 at least', () => {
  assert.ok(sendArgs('/s', BACKUP_SEND_OPTIONS).join(' ').includes('--proto 2'));
});
