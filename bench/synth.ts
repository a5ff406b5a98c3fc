// Synth cost: N ConnectionAlias vs N CfnConnectionAlias vs N AwsCustomResource, N = 1, 10, 50, 100 in one
// stack. Every sample is a fresh Node process (bench/synth-sample.ts) with CDK_VALIDATION=false; samples
// are interleaved across variants and N so that drift in the machine's speed spreads evenly.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linearFit, median, summarize, Summary } from './stats';

export const VARIANTS = ['ours', 'native', 'acr'] as const;
export type Variant = (typeof VARIANTS)[number];
export const SIZES = [1, 10, 50, 100] as const;

export const VARIANT_LABELS: Record<Variant, string> = {
  ours: '`ConnectionAlias` (this library)',
  native: '`CfnConnectionAlias` (native)',
  acr: '`AwsCustomResource` (Create/DeleteConnectionAlias)',
};

interface Sample {
  readonly variant: Variant;
  readonly n: number;
  readonly loadMs: number;
  readonly synthMs: number;
  readonly cpuMs: number;
  readonly bytes: number;
  readonly resources: number;
  readonly warnings: number;
}

export interface SynthPoint {
  readonly n: number;
  readonly synthMs: Summary;
  /** CPU time of the same span: less sensitive than wall time to other load on the machine. */
  readonly cpuMs: Summary;
  readonly loadMs: Summary;
  readonly bytes: number;
  readonly resources: number;
  readonly warnings: number;
}

export interface SynthVariantResult {
  readonly variant: Variant;
  readonly points: SynthPoint[];
  /** N = 1. */
  readonly fixedMs: number;
  readonly fixedBytes: number;
  readonly fixedResources: number;
  /** Least-squares slope over the medians of all N. */
  readonly marginalMs: number;
  readonly marginalBytes: number;
  readonly marginalResources: number;
  /** (N=100 - N=1) / 99, as a check on the fit. */
  readonly marginalMsEndpoints: number;
  /** The same, in CPU time. */
  readonly fixedCpuMs: number;
  readonly marginalCpuMs: number;
  readonly marginalBytesEndpoints: number;
  /** Bytes per construct spent on the DependsOn of custom resources (N=100 template), if any. */
  readonly dependsOnBytesPerConstruct: number;
}

export interface SynthResults {
  readonly samplesPerPoint: number;
  readonly variants: SynthVariantResult[];
  readonly raw: Sample[];
}

/**
 * Runs `attempt`, again after a pause if it fails: the assets/ folder is shared with whoever runs
 * `npm run bundle` (or `npm test`) meanwhile, which deletes and rewrites it, so a synth can briefly find no asset.
 */
export function withRetries<T>(attempt: () => T, tries = 4): T {
  for (let i = 1; ; i++) {
    try {
      return attempt();
    } catch (error) {
      if (i >= tries) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    }
  }
}

export function runSynth(root: string, workDir: string, samplesPerPoint: number, log: (line: string) => void): SynthResults {
  const env = {
    ...process.env,
    CDK_VALIDATION: 'false',
    TS_NODE_PROJECT: path.join(root, 'tsconfig.dev.json'),
    TS_NODE_TRANSPILE_ONLY: 'true',
    TS_NODE_PREFER_TS_EXTS: 'true',
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
    JSII_DEPRECATED: 'quiet',
  };
  const outRoot = path.join(workDir, 'synth');
  fs.rmSync(outRoot, { recursive: true, force: true });
  fs.mkdirSync(outRoot, { recursive: true });
  const raw: Sample[] = [];
  let index = 0;
  const total = samplesPerPoint * SIZES.length * VARIANTS.length;
  for (let round = 0; round < samplesPerPoint; round++) {
    for (const n of SIZES) {
      for (const variant of VARIANTS) {
        const outdir = path.join(outRoot, `${variant}-${n}-${round}`);
        const stdout = withRetries(() =>
          execFileSync(process.execPath, ['-r', 'ts-node/register', path.join(__dirname, 'synth-sample.ts'), variant, String(n), outdir], {
            cwd: root,
            env,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        );
        const line = stdout.trim().split('\n').pop()!;
        raw.push(JSON.parse(line));
        if (round === samplesPerPoint - 1 && n === 100) {
          fs.copyFileSync(path.join(outdir, 'BenchStack.template.json'), path.join(outRoot, `${variant}-100.template.json`));
        }
        fs.rmSync(outdir, { recursive: true, force: true });
        if (++index % 12 === 0) log(`  synth: ${index}/${total} samples`);
      }
    }
  }

  const variants = VARIANTS.map((variant): SynthVariantResult => {
    const points = SIZES.map((n): SynthPoint => {
      const samples = raw.filter((s) => s.variant === variant && s.n === n);
      return {
        n,
        synthMs: summarize(samples.map((s) => s.synthMs)),
        cpuMs: summarize(samples.map((s) => s.cpuMs)),
        loadMs: summarize(samples.map((s) => s.loadMs)),
        bytes: median(samples.map((s) => s.bytes)),
        resources: median(samples.map((s) => s.resources)),
        warnings: Math.max(...samples.map((s) => s.warnings)),
      };
    });
    const first = points[0];
    const last = points[points.length - 1];
    const span = last.n - first.n;
    const template = JSON.parse(fs.readFileSync(path.join(outRoot, `${variant}-100.template.json`), 'utf8'));
    const dependsOnBytes = Object.values<any>(template.Resources)
      .filter((r) => String(r.Type).startsWith('Custom::') && r.DependsOn)
      .reduce((sum, r) => sum + Buffer.byteLength(`,"DependsOn":${JSON.stringify(r.DependsOn)}`), 0);
    return {
      variant,
      points,
      fixedMs: first.synthMs.median,
      fixedBytes: first.bytes,
      fixedResources: first.resources,
      marginalMs: linearFit(points.map((p) => [p.n, p.synthMs.median] as const)).slope,
      marginalBytes: linearFit(points.map((p) => [p.n, p.bytes] as const)).slope,
      marginalResources: linearFit(points.map((p) => [p.n, p.resources] as const)).slope,
      marginalMsEndpoints: (last.synthMs.median - first.synthMs.median) / span,
      fixedCpuMs: first.cpuMs.median,
      marginalCpuMs: linearFit(points.map((p) => [p.n, p.cpuMs.median] as const)).slope,
      marginalBytesEndpoints: (last.bytes - first.bytes) / span,
      dependsOnBytesPerConstruct: dependsOnBytes / last.n,
    };
  });
  return { samplesPerPoint, variants, raw };
}
