import assert from 'node:assert/strict';

/**
 * Deep equality where numbers may differ by float rounding (|a − b| ≤ tolerance · max(1, |a|)); every other value,
 * key and array length must match exactly. For results computed by two onnxruntime sessions of the same weights
 * whose graphs differ (a forward-only session and the engine's built graph fuse different nodes, so they round
 * differently in the ninth digit).
 */
export function assertDeepClose(actual: unknown, expected: unknown, tolerance = 1e-6, path = '$'): void {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const ok =
      Object.is(actual, expected) || Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
    assert.ok(ok, `${path}: ${actual} is not within ${tolerance} of ${expected}`);
    return;
  }
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object') {
    assert.deepEqual(actual, expected, path);
    return;
  }
  assert.equal(Array.isArray(actual), Array.isArray(expected), `${path}: array against object`);
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${path}: keys`);
  for (const key of Object.keys(e)) assertDeepClose(a[key], e[key], tolerance, `${path}.${key}`);
}
