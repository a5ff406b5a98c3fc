#!/usr/bin/env bash
# The Python binding, built and used as a Python user would:
#   1. jsii-pacmak builds the Python package (wheel and sdist) from the jsii assembly into dist/python/;
#   2. a fresh virtual environment gets aws-cdk-lib and constructs for Python at the versions this library
#      supports at minimum (its peer dependencies), pytest, and the built wheel;
#   3. pytest runs test/python/, which synthesizes stacks with both constructs from Python.
#
# Needs the output of `npm run build` (.jsii, lib/*.js, assets/), Node, Python >= 3.10 with venv and pip, and
# PyPI. Runnable from any directory. PYTHON chooses the interpreter (default python3); extra arguments go to
# pytest (e.g. -k between).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1
PYTHON="${PYTHON:-python3}"
BUILD_VENV="$ROOT/.venv-python"   # the interpreter jsii-pacmak runs as python3
TEST_VENV="$ROOT/.venv-pytest"    # recreated on every run: only what a user would install
OUT="$ROOT/dist/python"
started=$SECONDS

step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))"; }

for built in .jsii lib/index.js assets/connection-alias/index.js assets/email-address-alias/index.js; do
  if [[ ! -f "$built" ]]; then
    echo "test-python: $built is missing; run 'npm run build' first" >&2
    exit 1
  fi
done
if ! node -e 'process.exit(JSON.parse(require("fs").readFileSync(".jsii", "utf8")).targets?.python ? 0 : 1)'; then
  echo "test-python: .jsii declares no python target (stale build?); run 'npm run build' first" >&2
  exit 1
fi
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "test-python: Python >= 3.10 is needed, got " + sys.version)'

# The versions a Python user gets at minimum: this library's peer dependency floors.
read -r CDK_VERSION CONSTRUCTS_VERSION < <(node -e '
  const peers = require("./package.json").peerDependencies;
  const floor = (range) => range.replace(/^[\^~>=\s]+/, "");
  console.log(floor(peers["aws-cdk-lib"]), floor(peers.constructs));')

step "jsii-pacmak --targets python"
# pacmak runs `python3 -m venv` and builds in a venv of its own; this one only pins which interpreter that is.
if [[ ! -x "$BUILD_VENV/bin/python3" ]]; then
  "$PYTHON" -m venv "$BUILD_VENV"
fi
rm -rf "$OUT"
# --no-npmignore: pacmak would otherwise write a .npmignore into the project (package.json "files" rules).
PATH="$BUILD_VENV/bin:$PATH" npx --no-install jsii-pacmak --targets python --outdir dist --no-npmignore --force
shopt -s nullglob
wheels=("$OUT"/*.whl)
shopt -u nullglob
if [[ ${#wheels[@]} -ne 1 ]]; then
  echo "test-python: expected one wheel in $OUT, found ${#wheels[@]}" >&2
  exit 1
fi
echo "built ${wheels[0]#"$ROOT/"}"

step "fresh venv: aws-cdk-lib==$CDK_VERSION constructs==$CONSTRUCTS_VERSION pytest + the wheel"
rm -rf "$TEST_VENV"
"$PYTHON" -m venv "$TEST_VENV"
"$TEST_VENV/bin/python" -m pip install --quiet \
  "aws-cdk-lib==$CDK_VERSION" "constructs==$CONSTRUCTS_VERSION" "pytest==9.2.0" "${wheels[0]}"
"$TEST_VENV/bin/python" -m pip check
"$TEST_VENV/bin/python" -m pip list --format=freeze | grep -Ei '^(aws-cdk-lib|constructs|jsii|cdk-aliases|pytest)=='

step "pytest test/python"
# From a directory outside the clone, so `import cdk_aliases` can only be the installed wheel.
(cd "$TEST_VENV" && "$TEST_VENV/bin/python" -m pytest "$ROOT/test/python" -q -p no:cacheprovider "$@")

step "done"
