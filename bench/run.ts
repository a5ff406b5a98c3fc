// `npm run bench`: the figures that need timing, side by side in one run: synth time per construct against
// CfnConnectionAlias and AwsCustomResource, cold start of the bundled handlers, deploy overhead. Writes
// bench/RESULTS.md and, not committed, bench/.work/samples.json. Not part of `npm test` or CI.
//
// BENCH_QUICK=1 takes fewer samples and skips the 10 s delay (a smoke run of about a minute).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runColdStart } from './cold-start';
import { runDeploy } from './deploy';
import { BenchResults, renderReport } from './report';
import { runSynth } from './synth';

process.env.CDK_VALIDATION = 'false';
process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = '20';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROOT = path.join(__dirname, '..');
const WORK = path.join(__dirname, '.work');
const QUICK = process.env.BENCH_QUICK === '1';
const SETTINGS = QUICK
  ? { synthSamples: 2, coldStartSamples: 3, quietSamples: 1, slow: [{ delayS: 2, samples: 1 }] }
  : { synthSamples: 4, coldStartSamples: 7, quietSamples: 3, slow: [{ delayS: 2, samples: 3 }, { delayS: 10, samples: 2 }] };

const log = (line: string) => process.stderr.write(`${line}\n`);
const version = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), 'utf8')).version;

async function main(): Promise<void> {
  const started = Date.now();
  fs.mkdirSync(WORK, { recursive: true });
  // The lifecycle harness runs the bundles in assets/: build them from the current sources first.
  log('bundling the handlers (npm run bundle)');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-handlers.js')], { cwd: ROOT, stdio: 'inherit' });
  const load = [os.loadavg()[0]];

  log(`1/3 synth: ${SETTINGS.synthSamples} rounds`);
  const synth = runSynth(ROOT, WORK, SETTINGS.synthSamples, log);
  log('2/3 cold start');
  const coldStart = await runColdStart(WORK, SETTINGS.coldStartSamples, log);
  log('3/3 deploy overhead');
  const deploy = await runDeploy({ quietSamples: SETTINGS.quietSamples, slow: SETTINGS.slow }, log);
  load.push(os.loadavg()[0]);

  const cpus = os.cpus();
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: QUICK ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
    durationS: Math.round((Date.now() - started) / 1000),
    machine: `${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, 1-minute load ${load.map((l) => l.toFixed(1)).join(' → ')} (shared machine)`,
    versions: ['aws-cdk-lib', '@aws-sdk/client-workspaces', '@aws-sdk/client-connect', 'esbuild'].map((p) => `${p} ${version(p)}`).join(', '),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
    synthSamples: SETTINGS.synthSamples,
    synth: synth.results,
    coldStartSamples: SETTINGS.coldStartSamples,
    coldStart,
    deploy: deploy.results,
  };
  const { markdown, goals } = renderReport(results);
  fs.writeFileSync(path.join(WORK, 'samples.json'), `${JSON.stringify({ synth: synth.samples, deploy: deploy.samples }, null, 2)}\n`);
  // A quick run is a smoke test: its figures stay out of the committed report.
  const report = path.join(QUICK ? WORK : __dirname, 'RESULTS.md');
  fs.writeFileSync(report, markdown);
  process.stdout.write(`${goals.join('\n')}\n`);
  log(`wrote ${path.relative(ROOT, report)} in ${results.durationS} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
