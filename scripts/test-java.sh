#!/usr/bin/env bash
# The Java binding, built and used as a Java user would:
#   1. jsii-pacmak builds the Maven artifacts (jar, sources, javadoc, pom) from the jsii assembly into dist/java/,
#      a Maven repository layout;
#   2. Maven runs the JUnit tests of test/java/ against that jar, beside aws-cdk-lib and constructs for Java at
#      the versions this library supports at minimum (its peer dependencies); each test synthesizes through the
#      jsii runtime, which runs the library's JavaScript in Node.
#
# Needs the output of `npm run build` (.jsii, lib/*.js, assets/), Node, a JDK (17+) and Maven, and Maven Central.
# Runnable from any directory. Both steps share one local Maven repository, ~/.m2/repository unless
# MAVEN_REPO_LOCAL names another (e.g. an empty one, to time a cold run). Extra arguments go to Maven
# (e.g. -Dtest='SynthTest#resourceTypes').
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
REPO_LOCAL="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
OUT="$ROOT/dist/java"
started=$SECONDS

step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))"; }

for tool in mvn java; do
  command -v "$tool" >/dev/null || { echo "test-java: needs $tool (Maven and a JDK)" >&2; exit 1; }
done
for built in .jsii lib/index.js assets/connection-alias/index.js assets/email-address-alias/index.js; do
  if [[ ! -f "$built" ]]; then
    echo "test-java: $built is missing; run 'npm run build' first" >&2
    exit 1
  fi
done
if ! node -e 'process.exit(JSON.parse(require("fs").readFileSync(".jsii", "utf8")).targets?.java ? 0 : 1)'; then
  echo "test-java: .jsii declares no java target (stale build?); run 'npm run build' first" >&2
  exit 1
fi

# The versions a Java user gets at minimum: this library's peer dependency floors; and the version just built.
read -r VERSION CDK_VERSION CONSTRUCTS_VERSION < <(node -e '
  const pkg = require("./package.json");
  const floor = (range) => range.replace(/^[\^~>=\s]+/, "");
  console.log(pkg.version, floor(pkg.peerDependencies["aws-cdk-lib"]), floor(pkg.peerDependencies.constructs));')

step "jsii-pacmak --targets java"
rm -rf "$OUT"
# --maven-local-repository: pacmak otherwise gives its Maven build an empty repository of its own, deleted
# afterwards, and so downloads aws-cdk-lib again on every run.
# --no-npmignore: pacmak would otherwise write a .npmignore into the project (package.json "files" rules).
npx --no-install jsii-pacmak --targets java --outdir dist --no-npmignore --force \
  --maven-local-repository="$REPO_LOCAL"
jar="$OUT/io/github/cdk-aliases/cdk-aliases/$VERSION/cdk-aliases-$VERSION.jar"
if [[ ! -f "$jar" ]]; then
  echo "test-java: expected $jar, found:" >&2
  find "$OUT" -name '*.jar' >&2
  exit 1
fi
echo "built ${jar#"$ROOT/"}"

step "mvn test (test/java): cdk-aliases $VERSION, aws-cdk-lib $CDK_VERSION, constructs $CONSTRUCTS_VERSION"
# Maven never downloads a release version twice: drop the copy a previous run cached, so the jar under test is
# the one just built.
rm -rf "$REPO_LOCAL/io/github/cdk-aliases/cdk-aliases"
mvn --batch-mode --no-transfer-progress -f test/java/pom.xml test \
  -Dmaven.repo.local="$REPO_LOCAL" \
  -Dcdk-aliases.version="$VERSION" \
  -Daws-cdk-lib.version="$CDK_VERSION" \
  -Dconstructs.version="$CONSTRUCTS_VERSION" \
  -Dcdk-aliases.repository="file://$OUT" \
  "$@"

step "done"
