/** Seconds as a person reads an ETA: "40 s", "12 min", "1.5 h". */
export function formatDuration(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}
