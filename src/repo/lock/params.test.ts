import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL_PROPERTIES } from '../backend/local.ts';
import { MEMORY_PROPERTIES } from '../backend/memory.ts';
import { DEFAULT_LOCK_PARAMS, lockParamsFor, mergeLockParams } from './params.ts';

test('lockParamsFor: no settle delay where listings show every write at once, the defaults elsewhere', () => {
  assert.equal(mergeLockParams(lockParamsFor(LOCAL_PROPERTIES)).settleMs, 0);
  assert.equal(mergeLockParams(lockParamsFor(MEMORY_PROPERTIES)).settleMs, 0);
  // The S3 store's properties, spelled out: importing s3.ts would load the SDK.
  const s3 = { kind: 's3', listAfterWriteConsistent: false, sweepsTemporaries: false, remote: true } as const;
  assert.deepEqual(mergeLockParams(lockParamsFor(s3)), DEFAULT_LOCK_PARAMS);
  assert.deepEqual(mergeLockParams(lockParamsFor(LOCAL_PROPERTIES)), { ...DEFAULT_LOCK_PARAMS, settleMs: 0 });
});
