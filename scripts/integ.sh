#!/usr/bin/env bash
# Integration tests (test/integ.*.ts, @aws-cdk/integ-tests-alpha), offline.
#
#   scripts/integ.sh           verify: synthesize each test and compare it with its committed snapshot
#                              (test/integ.*.ts.snapshot/); fails if they differ. No AWS account is used.
#   scripts/integ.sh update    rewrite every snapshot from the current code, without deploying (the assertion
#                              stacks' salt changes each time).
#
# Any further arguments go to integ-runner (e.g. a test file name to run only that test).
# To deploy the tests against a real account, see the README's "Integration tests".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

mode="verify"
if [[ $# -gt 0 && ( "$1" == "verify" || "$1" == "update" ) ]]; then
  mode="$1"
  shift
fi

# Snapshots are always synthesized with the placeholders, never with a real account's ids.
for name in $(compgen -e | grep '^CDK_ALIASES_INTEG_' || true); do
  unset "$name"
done

# Static dummy credentials and a Region: integ-runner then skips probing the EC2 metadata endpoint.
# Nothing is deployed in either mode.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export CDK_DISABLE_VERSION_CHECK=1
# No stack traces of annotations (with this machine's absolute paths) in the snapshots' metadata.
export CDK_DISABLE_STACK_TRACE=1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# The test apps run with ts-node from the sources (like cdk.json's app); these settings reach it from any cwd.
export TS_NODE_PROJECT="$ROOT/tsconfig.dev.json"
export TS_NODE_TRANSPILE_ONLY=true
export TS_NODE_PREFER_TS_EXTS=true

# The handlers are bundled into assets/ by the build; the test apps need them.
if [[ ! -f assets/connection-alias/index.js || ! -f assets/email-address-alias/index.js ]]; then
  npm run --silent bundle
fi

runner=(npx --no-install integ-runner --directory test --language typescript
  --app "node -r ts-node/register {filePath}")

# integ-runner compares only the test stacks with the snapshot, not the assertion stack (it carries a salt that
# changes on every synth). So verify also synthesizes each test as integ-runner does (its recommended feature
# flags as context) and compares its integ.json and assertion stack templates with the snapshot, salt and
# asset hashes masked: a changed expectation must come with an updated snapshot too.
verify_assertions() {
  local tmp status=0 file name
  tmp="$(mktemp -d)"
  for file in test/integ.*.ts; do
    name="$(basename "$file")"
    CDK_OUTDIR="$tmp/$name" \
      CDK_CONTEXT_JSON="$(cat node_modules/@aws-cdk/integ-runner/lib/recommended-feature-flags.json)" \
      node -r ts-node/register "$file"
    node - "test/$name.snapshot" "$tmp/$name" <<'NODE' || status=1
const fs = require('node:fs');
const path = require('node:path');
const [expectedDir, actualDir] = process.argv.slice(2);
const read = (dir, file) => {
  const full = path.join(dir, file);
  return fs.existsSync(full) ? JSON.parse(fs.readFileSync(full, 'utf8')) : undefined;
};
const normal = (value) => JSON.stringify(value, (key, v) => (key === 'salt' ? 'SALT'
  : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
    : v), 1).replace(/[0-9a-f]{64}/g, 'HASH');
const manifest = read(actualDir, 'integ.json');
const files = ['integ.json', ...Object.values(manifest.testCases).map((c) => `${c.assertionStackName}.template.json`)];
let ok = true;
for (const file of files) {
  if (normal(read(expectedDir, file)) !== normal(read(actualDir, file))) {
    ok = false;
    console.error(`CHANGED    ${path.basename(expectedDir)}/${file} differs from what the test synthesizes now`);
  }
}
if (!ok) {
  console.error("Run 'npm run integ:update' and commit the snapshot.");
  process.exit(1);
}
console.log(`  UNCHANGED  ${path.basename(expectedDir)}: integ.json and assertion stack`);
NODE
  done
  rm -rf "$tmp"
  return "$status"
}

case "$mode" in
  verify)
    "${runner[@]}" "$@"
    verify_assertions
    ;;
  update) "${runner[@]}" --update-on-failed --force --dry-run "$@" ;;
esac
