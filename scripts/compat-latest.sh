#!/usr/bin/env bash
# The peer range promises aws-cdk-lib from 2.257.0 (the minimum, which development uses) to the newest 2.x.
# This checks the newest end: in a scratch copy of the clone it installs the newest aws-cdk-lib 2.x (and a
# matching constructs, if the installed one is outside its peer range), then runs the construct tests and the
# cdk-nag test (where aws-cdk-lib supports it, also as a synth-time validation plugin) and synthesizes the example
# app with the pinned CDK CLI. The clone itself is left untouched.
#
# The example stack's snapshot records the template of the development version; a newer aws-cdk-lib may render
# it differently (new defaults, feature flags), which is not a failure. The snapshot test therefore runs with
# --updateSnapshot in the scratch copy (the stack must still build and synthesize), and the script reports
# whether the template changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$SECONDS
export CDK_DISABLE_VERSION_CHECK=1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
NPM_FLAGS=(--no-audit --no-fund --ignore-scripts --loglevel=error)

# The handlers are bundled by the build; the scratch copy uses these very bundles.
if [[ ! -f assets/connection-alias/index.js || ! -f assets/email-address-alias/index.js ]]; then
  npm run --silent bundle
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# The clone's files as they are (tracked, plus new files not yet committed, but nothing gitignored), and the
# built handler bundles.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
  if [[ -f "$file" ]]; then
    mkdir -p "$scratch/$(dirname "$file")"
    cp -p "$file" "$scratch/$file"
  fi
done
cp -R assets "$scratch/assets"
cd "$scratch"

npm ci "${NPM_FLAGS[@]}"

latest="$(npm view 'aws-cdk-lib@2' version --json | node -e '
  const versions = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")))
    .filter((v) => /^2\.\d+\.\d+$/.test(v))
    .sort((a, b) => a.split(".").map(Number).reduce((d, n, i) => d || n - b.split(".")[i], 0));
  console.log(versions.pop());')"
if [[ -z "$latest" || "$latest" == "undefined" ]]; then
  echo "compat-latest.sh: could not resolve the newest aws-cdk-lib 2.x" >&2
  exit 1
fi
echo "newest aws-cdk-lib 2.x: $latest"
packages=("aws-cdk-lib@$latest")
constructs_range="$(npm view "aws-cdk-lib@$latest" peerDependencies.constructs)"
if ! node -e '
  const semver = require("semver");
  const installed = require("constructs/package.json").version;
  process.exit(semver.satisfies(installed, process.argv[1]) ? 0 : 1);' "$constructs_range"; then
  packages+=("constructs@$constructs_range")
fi
npm install --no-save "${NPM_FLAGS[@]}" "${packages[@]}"
cdk_lib="$(node -p 'require("aws-cdk-lib/package.json").version')"
constructs="$(node -p 'require("constructs/package.json").version')"
if [[ "$cdk_lib" != "$latest" ]]; then
  echo "compat-latest.sh: expected aws-cdk-lib $latest in the scratch copy, found $cdk_lib" >&2
  exit 1
fi
echo "testing with aws-cdk-lib $cdk_lib, constructs $constructs (CLI $(node -p 'require("aws-cdk/package.json").version'))"

npx jest --ci=false --updateSnapshot \
  test/connection-alias.test.ts test/email-address-alias.test.ts test/example-stack.test.ts test/cdk-nag.test.ts
snapshot=test/__snapshots__/example-stack.test.ts.snap
if cmp -s "$snapshot" "$root/$snapshot"; then
  echo "example stack template: identical to the snapshot"
else
  echo "example stack template: differs from the snapshot under aws-cdk-lib $cdk_lib (informational):"
  diff -u "$root/$snapshot" "$snapshot" | sed -n '3,60p' || true
fi

npx cdk synth --quiet -o "$scratch/cdk.out"
echo "example app synthesized"
echo "compat-latest: aws-cdk-lib $cdk_lib OK in $((SECONDS - start)) s"
