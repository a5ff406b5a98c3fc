#!/usr/bin/env bash
# Compiles every TypeScript example of README.md and of the doc comments with jsii-rosetta, as Construct Hub
# does to show them in Python, Java, C# and Go, and fails on the first example that does not compile, naming its
# file and line. Writes the translations to .jsii.tabl.json next to .jsii.
#
# Examples are read from the jsii assembly, so this needs the output of `npm run build` (.jsii, lib/*.d.ts).
# Each example is inserted into rosetta/default.ts-fixture (or the fixture its fence names: ```ts fixture=NAME).
# They are compiled in a scratch directory whose node_modules holds this package as `cdk-aliases` (its built
# declarations, as a user sees them) beside the project's own dependencies; nothing is installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

for built in .jsii lib/index.d.ts; do
  if [[ ! -f "$built" ]]; then
    echo "rosetta: $built is missing; run 'npm run build' first" >&2
    exit 1
  fi
done

# Rosetta reads the README from the assembly: an edit since the last build would go unchecked.
if ! node -e 'const fs = require("fs");
  process.exit(JSON.parse(fs.readFileSync(".jsii", "utf8")).readme?.markdown === fs.readFileSync("README.md", "utf8") ? 0 : 1)'; then
  echo "rosetta: README.md changed since .jsii was built; run 'npm run build' (or 'npm run compile') first" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk-aliases-rosetta.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The compilation's node_modules: the project's packages by symlink, this package under its own name, and of the
# @types only Node's (rosetta loads every @types package it finds; jest's globals have no place in an example).
mkdir -p "$WORK/node_modules/@types"
for entry in node_modules/*; do
  name="${entry#node_modules/}"
  [[ "$name" == "@types" || -e "$WORK/node_modules/$name" ]] && continue
  ln -s "$ROOT/$entry" "$WORK/node_modules/$name"
done
ln -s "$ROOT/node_modules/@types/node" "$WORK/node_modules/@types/node"
ln -s "$ROOT" "$WORK/node_modules/cdk-aliases"

# The fixtures' globals, with every type this package exports (read from the assembly, so a new construct is
# usable in an example without touching rosetta/).
{
  cat rosetta/globals.d.ts
  node -e '
    const types = Object.keys(JSON.parse(require("fs").readFileSync(".jsii", "utf8")).types ?? {});
    const names = types.filter((fqn) => /^cdk-aliases\.[A-Za-z0-9_]+$/.test(fqn)).map((fqn) => fqn.split(".")[1]);
    console.log("import * as aliases from \"cdk-aliases\";");
    console.log("declare global {");
    for (const name of names.sort()) console.log(`  export import ${name} = aliases.${name};`);
    console.log("}");'
} > "$WORK/globals.d.ts"

# No cache: rosetta would reuse the previous run's tablet, and with it a translation whose example it reported
# as unsupported (a rosetta diagnostic, not a compile error), so a broken example would pass the second time.
rm -f .jsii.tabl.json
# All examples in one compilation (--batch): aws-cdk-lib's declarations are loaded once, not once per example.
npx --no-install jsii-rosetta extract --strict --batch 1000 --directory "$WORK" "$@" .jsii 2>&1 \
  | node scripts/rosetta-locate.js
node -e 'const tablet = JSON.parse(require("fs").readFileSync(".jsii.tabl.json", "utf8"));
  console.log(`rosetta: ${Object.keys(tablet.snippets).length} examples compile and are translated (.jsii.tabl.json)`);'
