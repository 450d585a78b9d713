import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseMemory } from '../../../src/core/runtime/releaseMemory';

describe('releaseMemory', () => {
  it('frees unreferenced buffers now, without --expose-gc (as after a graph build, before the weights load)', () => {
    const before = process.memoryUsage().arrayBuffers;
    let bytes: Uint8Array | undefined = new Uint8Array(64 * 1024 * 1024).fill(1);
    assert.ok(process.memoryUsage().arrayBuffers - before >= 64 * 1024 * 1024 - 1024, 'the buffer is counted');
    assert.equal(bytes[123], 1);
    bytes = undefined;
    releaseMemory();
    releaseMemory(); // twice: the second call reuses the collector it set up
    assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024, 'and is gone after the call');
  });
});
