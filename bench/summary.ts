// The one summary every timing in the bench reports: median and range of the samples (simple-statistics).
import { max, median, min } from 'simple-statistics';

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no samples');
  const samples = [...values];
  return { median: median(samples), min: min(samples), max: max(samples), n: samples.length };
}

/** 12345.6 -> "12,346"; with digits, fixed decimals. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "28 ms (27–43)": the median and the range. */
export function fmtMs(summary: Summary, digits = 0): string {
  return `${fmt(summary.median, digits)} ms (${fmt(summary.min, digits)}–${fmt(summary.max, digits)})`;
}
