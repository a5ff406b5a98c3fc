// `npm run bench`: synth cost, handler size / start-up / CPU, deploy latency and API calls, and Lambda cost,
// measured side by side in one run. Writes bench/results.json (every sample) and bench/RESULTS.md (the
// tables), and prints the headline figures. Not part of `npm test` or CI: these are benchmarks, not tests.
//
// Environment: BENCH_QUICK=1 takes fewer samples and skips the 10 s delay (a smoke run, ~1 minute).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HandlerResults, runHandlers } from './handlers';
import { LatencyResults, runLatency } from './latency';
import { renderReport, Results } from './report';
import { summarize } from './stats';
import { runSynth, SynthResults, withRetries } from './synth';

process.env.CDK_VALIDATION = 'false';
process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = '20';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROOT = path.join(__dirname, '..');
const WORK = path.join(__dirname, '.work');
const QUICK = process.env.BENCH_QUICK === '1';

const SETTINGS = QUICK
  ? { synthSamples: 3, coldStartSamples: 5, eventSamples: 2, delaysS: [0, 2], latencySamples: { '0': 2, '2': 1 } as Record<string, number> }
  : { synthSamples: 11, coldStartSamples: 15, eventSamples: 5, delaysS: [0, 2, 10], latencySamples: { '0': 5, '2': 3, '10': 3 } as Record<string, number> };

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function version(pkg: string): string {
  return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), 'utf8')).version;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return '';
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    versions: {
      'aws-cdk-lib': version('aws-cdk-lib'),
      constructs: version('constructs'),
      '@aws-sdk/client-workspaces': version('@aws-sdk/client-workspaces'),
      '@aws-sdk/client-connect': version('@aws-sdk/client-connect'),
      esbuild: version('esbuild'),
    },
    commit: git(['rev-parse', '--short', 'HEAD']),
    // Uncommitted changes to what is measured (others may be editing the handlers while this runs).
    dirty: git(['status', '--porcelain', '--', 'lib', 'lambda', 'scripts']).split('\n').filter(Boolean),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  fs.mkdirSync(WORK, { recursive: true });
  // The 1-minute load average every 5 s: other work on the machine (this run included) skews wall times.
  const loadSamples: number[] = [Math.round(os.loadavg()[0] * 100) / 100];
  const sampler = setInterval(() => loadSamples.push(Math.round(os.loadavg()[0] * 100) / 100), 5000);
  sampler.unref();

  // Always measure the handlers as they are now: bundle them the way `npm run bundle` does.
  log('bundling the handlers (npm run bundle)');
  withRetries(() => execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-handlers.js')], { cwd: ROOT, stdio: 'inherit' }));

  const env = machine();
  log(`machine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, Node ${env.node}; aws-cdk-lib ${env.versions['aws-cdk-lib']}`);

  log(`1/3 synth: ${SETTINGS.synthSamples} fresh processes per variant and N`);
  const synth: SynthResults = runSynth(ROOT, WORK, SETTINGS.synthSamples, log);

  log('2/3 handlers: size, floor, cold start, CPU per event');
  const handlers: HandlerResults = await runHandlers(ROOT, WORK, { coldStartSamples: SETTINGS.coldStartSamples, eventSamples: SETTINGS.eventSamples }, log);

  log(`3/3 deploy latency and API calls: delays ${SETTINGS.delaysS.join(', ')} s`);
  const latency: LatencyResults = await runLatency({ delaysS: SETTINGS.delaysS, samples: SETTINGS.latencySamples }, log);

  clearInterval(sampler);
  const results: Results = {
    generatedAt: new Date().toISOString(),
    command: QUICK ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
    quick: QUICK,
    durationS: Math.round((Date.now() - started) / 1000),
    machine: { ...env, loadAverage: summarize(loadSamples) },
    synth,
    handlers,
    latency,
  };
  const { markdown, headline } = renderReport(results);
  const outDir = QUICK ? WORK : __dirname;
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'RESULTS.md'), markdown);
  process.stdout.write(`${headline}\n`);
  log(`wrote ${path.relative(ROOT, path.join(outDir, 'RESULTS.md'))} and results.json in ${results.durationS} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
