// Synth time: N ConnectionAlias against N CfnConnectionAlias and N AwsCustomResource in one stack. Every
// sample is a fresh Node process (bench/synth-sample.ts), with samples interleaved across variants and N so
// that drift in the machine's speed spreads evenly. Template bytes and resources are budget tests
// (test/budgets-template.test.ts); only the timing is measured here.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linearRegression } from 'simple-statistics';
import { summarize, Summary } from './summary';

export const VARIANTS = ['ours', 'native', 'acr'] as const;
export type Variant = (typeof VARIANTS)[number];
export const SIZES = [1, 50, 100] as const;

export const VARIANT_LABELS: Record<Variant, string> = {
  ours: '`ConnectionAlias` (this library)',
  native: '`CfnConnectionAlias` (native)',
  acr: '`AwsCustomResource` (Create/DeleteConnectionAlias)',
};

/** What bench/synth-sample.ts prints. */
export interface SynthSample {
  readonly variant: Variant;
  readonly n: number;
  readonly synthMs: number;
  readonly cpuMs: number;
}

export interface SynthResult {
  readonly variant: Variant;
  /** Wall and CPU time of the stack with one construct. */
  readonly firstMs: Summary;
  readonly firstCpuMs: Summary;
  /** Least-squares slope over the medians of every N: the cost of each further construct. */
  readonly perConstructMs: number;
  readonly perConstructCpuMs: number;
}

export function runSynth(root: string, workDir: string, samplesPerPoint: number, log: (line: string) => void): { results: SynthResult[]; samples: SynthSample[] } {
  const env = {
    ...process.env,
    CDK_VALIDATION: 'false',
    TS_NODE_PROJECT: path.join(root, 'tsconfig.dev.json'),
    TS_NODE_TRANSPILE_ONLY: 'true',
    TS_NODE_PREFER_TS_EXTS: 'true',
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
    JSII_DEPRECATED: 'quiet',
  };
  const outdir = path.join(workDir, 'synth');
  const samples: SynthSample[] = [];
  for (let round = 0; round < samplesPerPoint; round++) {
    for (const n of SIZES) {
      for (const variant of VARIANTS) {
        fs.rmSync(outdir, { recursive: true, force: true });
        const stdout = execFileSync(process.execPath, ['-r', 'ts-node/register', path.join(__dirname, 'synth-sample.ts'), variant, String(n), outdir], {
          cwd: root,
          env,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        samples.push(JSON.parse(stdout.trim().split('\n').pop()!));
      }
    }
    log(`  synth: round ${round + 1}/${samplesPerPoint}`);
  }
  fs.rmSync(outdir, { recursive: true, force: true });

  const results = VARIANTS.map((variant): SynthResult => {
    const at = (n: number) => samples.filter((s) => s.variant === variant && s.n === n);
    const slope = (of: (s: SynthSample) => number) => linearRegression(SIZES.map((n) => [n, summarize(at(n).map(of)).median])).m;
    return {
      variant,
      firstMs: summarize(at(1).map((s) => s.synthMs)),
      firstCpuMs: summarize(at(1).map((s) => s.cpuMs)),
      perConstructMs: slope((s) => s.synthMs),
      perConstructCpuMs: slope((s) => s.cpuMs),
    };
  });
  return { results, samples };
}
