/** Nearest-rank percentile, rounded to whole milliseconds; null for no samples. */
export function percentile(xs: number[], q: number): number | null {
  if (!xs.length) return null;
  const s = Float64Array.from(xs).sort();
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!);
}
