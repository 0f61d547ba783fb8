/** A summary of timing samples, in the unit they were taken in. */
export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The value below which a share `p` (0 to 1) of the samples fall, by the
 * nearest-rank method: always one of the samples, never an interpolation.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) {
    throw new Error('percentile of no samples');
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));

  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** The middle sample; for an even count, the mean of the two middle ones. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) {
    throw new Error('median of no samples');
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;

  return sorted.length % 2 === 1
    ? upper
    : (upper + (sorted[mid - 1] as number)) / 2;
}

/** Count, extremes, median, p90, p99 and mean of some samples. */
export function summarize(samples: readonly number[]): Summary {
  const total = samples.reduce((sum, value) => sum + value, 0);

  return {
    n: samples.length,
    min: Math.min(...samples),
    p50: median(samples),
    p90: percentile(samples, 0.9),
    p99: percentile(samples, 0.99),
    max: Math.max(...samples),
    mean: total / samples.length,
  };
}

/** Milliseconds since an earlier `process.hrtime.bigint()` reading. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs a function once and returns how long it took, in milliseconds. */
export async function timed<T>(
  fn: () => Promise<T>
): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();

  return { ms: msSince(start), value };
}
