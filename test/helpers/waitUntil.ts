/** Polls `condition` every 20 ms until it holds; fails after `ms`. */
export async function waitUntil(condition: () => boolean, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
