// Bundles each handler in lambda/<name>/index.ts into assets/<name>/index.js at build time, with the AWS SDK
// clients inside the bundle: the package then ships ready-made Lambda code, so a consumer's `cdk synth`
// needs neither esbuild nor Docker, and behaviour does not depend on the SDK copy of the Lambda runtime
// (which may predate the 2025 Connect email-alias operations).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const handlers = ['connection-alias', 'email-address-alias'];

/** The esbuild options of every handler bundle (the benchmarks build their comparison bundles with them too). */
const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  // The SDK's ES modules tree-shake; its CommonJS builds come out ~1.8x larger.
  mainFields: ['module', 'main'],
  legalComments: 'linked',
  logLevel: 'warning',
};

async function main() {
  for (const name of handlers) {
    const outdir = path.join(root, 'assets', name);
    // Build beside the old bundle and swap it in at the end: tests running meanwhile never see it missing.
    const staging = `${outdir}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    await esbuild.build({
      ...BUNDLE_OPTIONS,
      entryPoints: [path.join(root, 'lambda', name, 'index.ts')],
      outfile: path.join(staging, 'index.js'),
    });
    const previous = `${outdir}.previous-${process.pid}`;
    if (fs.existsSync(outdir)) {
      fs.renameSync(outdir, previous);
    }
    fs.renameSync(staging, outdir);
    fs.rmSync(previous, { recursive: true, force: true });
  }
}

module.exports = { BUNDLE_OPTIONS };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
