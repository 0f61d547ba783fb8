import type { RunningMongo } from '../local/embedded-mongo';

/**
 * One line of the results table: a measurement beside the baseline taken
 * in the same run, the ratio of the two, the goal, and whether it is met.
 */
export interface Figure {
  name: string;
  measurement: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** Undefined for figures reported without a goal. */
  met?: boolean;
  /** When a goal is not met: what stands in the way and what was tried. */
  why?: string;
  /** A caveat a reader needs to judge the figure, met or not. */
  note?: string;
}

/** What every benchmark returns, beside its own structured numbers. */
export interface BenchReport {
  /** The name on the command line, such as "warm-path". */
  name: string;
  title: string;
  figures: Figure[];
  /** Markdown lines shown under the benchmark's heading in BENCHMARKS.md. */
  details: string[];
  /** Wall time of the whole benchmark, setup included, in milliseconds. */
  elapsedMs?: number;
}

/** What bench/run.ts hands each benchmark. */
export interface BenchContext {
  /** The one database of the run; absent when no chosen benchmark needs it. */
  mongo?: RunningMongo;
  /** Progress lines for the console; they do not go into BENCHMARKS.md. */
  log: (line: string) => void;
}
