#!/usr/bin/env bash
# Lints every CloudFormation template the library synthesizes with cfn-lint (from PyPI, pinned): the example
# app, synthesized here, and the integration tests' snapshots (test/integ.*.snapshot/*.template.json) that exist.
# Any finding (error, warning or informational) fails; rules ignored on purpose are in .cfnlintrc, each with its
# reason. cfn-lint lives in a virtual environment inside the clone (.venv-tools/, gitignored), made on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

CFN_LINT_VERSION=1.58.0
venv="$root/.venv-tools"
if [[ "$("$venv/bin/cfn-lint" --version 2>/dev/null || true)" != "cfn-lint $CFN_LINT_VERSION" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
fi

# The example app needs the bundled handlers (made by `npm run build`; bundle them if this is a fresh clone).
if [[ ! -f assets/connection-alias/index.js || ! -f assets/email-address-alias/index.js ]]; then
  npm run --silent bundle
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
CDK_DISABLE_VERSION_CHECK=1 npx cdk synth --quiet -o "$out" >/dev/null

shopt -s nullglob
templates=("$out"/*.template.json test/integ.*.snapshot/*.template.json)
shopt -u nullglob
if [[ ! -f "$out/CdkAliasesExample.template.json" ]]; then
  echo "cfn-lint.sh: the example app produced no CdkAliasesExample.template.json in $out" >&2
  exit 1
fi

echo "cfn-lint $CFN_LINT_VERSION on ${#templates[@]} template(s):"
for template in "${templates[@]}"; do
  echo "  ${template#"$out/"}"
done
"$venv/bin/cfn-lint" --config-file "$root/.cfnlintrc" --non-zero-exit-code informational -- "${templates[@]}"
echo "cfn-lint: no findings"
