// The package.json that `npm pack` and `npm publish` ship, without the "scripts" block: each of those scripts
// names a file of this repository that the package does not ship (`prepare` runs scripts/bundle-handlers.js,
// which bundles the handlers on a fresh clone's `npm ci`), and a consumer needs none of them. npm runs
// `prepack` before it reads the files to pack and `postpack` after, so the repository's package.json is put
// back as it was:
//   node scripts/packed-manifest.js strip     (prepack) keep the original beside it, write the shipped one
//   node scripts/packed-manifest.js restore   (postpack) put the original back
// A strip after an interrupted pack restores first, so the original is never lost.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const manifest = path.join(root, 'package.json');
const original = path.join(root, 'package.json.unpacked');

function restore() {
  if (fs.existsSync(original)) {
    fs.renameSync(original, manifest);
  }
}

function strip() {
  restore();
  const text = fs.readFileSync(manifest, 'utf8');
  const { scripts: _scripts, ...shipped } = JSON.parse(text);
  fs.writeFileSync(original, text);
  fs.writeFileSync(manifest, `${JSON.stringify(shipped, null, 2)}\n`);
}

const commands = { strip, restore };
const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: node scripts/packed-manifest.js strip|restore');
  process.exit(2);
}
command();
