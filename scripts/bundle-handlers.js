// Bundles each handler in lambda/<name>/index.ts into assets/<name>/index.js at build time, with the AWS SDK
// clients inside the bundle: the package then ships ready-made Lambda code, so a consumer's `cdk synth`
// needs neither esbuild nor Docker, and behaviour does not depend on the SDK copy of the Lambda runtime
// (which may predate the 2025 Connect email-alias operations).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const handlers = ['connection-alias', 'email-address-alias'];

async function main() {
  for (const name of handlers) {
    const outdir = path.join(root, 'assets', name);
    fs.rmSync(outdir, { recursive: true, force: true });
    await esbuild.build({
      entryPoints: [path.join(root, 'lambda', name, 'index.ts')],
      outfile: path.join(outdir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      // The SDK's ES modules tree-shake; its CommonJS builds come out ~1.8x larger.
      mainFields: ['module', 'main'],
      legalComments: 'linked',
      logLevel: 'warning',
    });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
