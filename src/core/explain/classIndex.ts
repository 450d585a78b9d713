/**
 * A class named by the user (`--target`, the panel) as its index among `classes`: an index as given; a string is a
 * class name first (names may be digits), then a name that is unique regardless of case, then digits as an index;
 * -1 when it names none. Pure, so the extension host's rerun planning reads a name as the engine does.
 */
export function classIndex(classes: readonly string[], requested: string | number): number {
  if (typeof requested === 'number') return requested;
  const exact = classes.indexOf(requested);
  if (exact >= 0) return exact;
  const wanted = requested.trim().toLowerCase();
  const caseless = classes.flatMap((c, i) => (c.toLowerCase() === wanted ? [i] : []));
  if (caseless.length === 1) return caseless[0];
  return /^\d+$/.test(requested.trim()) ? Number(requested) : -1;
}
