#!/usr/bin/env bash
# Builds the Java and Go bindings that package.json's jsii.targets declares, with jsii-pacmak, into dist/java/
# and dist/go/. This compiles the generated code against aws-cdk-lib for that language; it runs no tests.
# (The Python and Java bindings are built and tested by scripts/test-python.sh and scripts/test-java.sh.)
#
#   scripts/build-other-targets.sh            both
#   scripts/build-other-targets.sh java       only Java (Maven; downloads from Maven Central, ~30 s)
#   scripts/build-other-targets.sh go         only Go (the Go module proxy and checksum database)
#
# Needs the output of `npm run build` (.jsii, lib/*.js, assets/). Runnable from any directory.
#
# Notes:
# - Java: pacmak resolves the dependency ranges ([2.257.0,3.0.0) for aws-cdk-lib) to the newest version the
#   Maven repository offers, and writes that into the published pom.
# - Go: the generated go.mod requires github.com/aws/aws-cdk-go/awscdk/v2 at the minimum version (v2.257.0)
#   and its dependencies; the build fails where the module proxy or checksum database lacks one of them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(java go)
fi
for target in "${targets[@]}"; do
  case "$target" in
    java) command -v mvn >/dev/null || { echo "build-other-targets: java needs mvn (Maven) and a JDK" >&2; exit 1; } ;;
    go) command -v go >/dev/null || { echo "build-other-targets: go needs the go toolchain" >&2; exit 1; } ;;
    *) echo "build-other-targets: unknown target '$target' (java, go)" >&2; exit 2 ;;
  esac
done
for built in .jsii lib/index.js assets/connection-alias/index.js assets/email-address-alias/index.js; do
  if [[ ! -f "$built" ]]; then
    echo "build-other-targets: $built is missing; run 'npm run build' first" >&2
    exit 1
  fi
done

status=0
for target in "${targets[@]}"; do
  started=$SECONDS
  rm -rf "dist/$target"
  # --no-npmignore: pacmak would otherwise write a .npmignore into the project (package.json "files" rules).
  if npx --no-install jsii-pacmak --targets "$target" --outdir dist --no-npmignore --force; then
    echo "== $target: built into dist/$target/ in $((SECONDS - started))s"
    find "dist/$target" -maxdepth 6 \( -name '*.jar' -o -name go.mod \) | sed 's/^/   /'
  else
    echo "== $target: FAILED after $((SECONDS - started))s" >&2
    status=1
  fi
done
exit "$status"
