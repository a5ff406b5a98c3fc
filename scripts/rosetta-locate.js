// Passes jsii-rosetta's output through and adds, under each diagnostic, where the example is in this repository.
//
// Rosetta names an example by its place in the assembly (`cdk-aliases-README-L277` is the block whose fence is on
// README.md line 277; `cdk-aliases.ConnectionAlias-example` the @example of that class) and gives the line in the
// example as compiled, that is after its fixture. The located line is `README.md:<line>:<column>`, found by the
// source line rosetta quotes within that block, or the declaration whose doc comment holds the example.
//
// Drops one warning of rosetta 6.0.17 that names no package ("packages necessary to compile examples missing from
// supplied directory: , , ,"): its check counts every dependency as missing (an empty array per package).
//
// Usage: jsii-rosetta extract ... 2>&1 | node scripts/rosetta-locate.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { stripVTControlCharacters } = require('node:util');

const ROOT = path.join(__dirname, '..');
const HEADER = /^(?<example>\S+?)\.ts:(?<line>\d+):(?<column>\d+) - (?<message>(error|warning) .*)$/;
const QUOTED = /^(?<line>\d+) (?<text>.*)$/;
const NAMELESS_WARNING = /packages necessary to compile examples missing from supplied directory: [, ]*$/;

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));

/** README.md line of `text` in the block whose fence is on line `fence` (1-based). */
function readmeLine(fence, text) {
  const fenceMark = readme[fence - 1]?.trim().match(/^(`{3,}|~{3,})/)?.[1];
  for (let i = fence; i < readme.length && readme[i].trim() !== fenceMark; i++) {
    if (readme[i].trimEnd() === text.trimEnd()) {
      return i + 1;
    }
  }
  return fence;
}

/** Source file and line of the declaration whose doc comment holds the example. */
function declarationOf(api) {
  const [fqn, member] = api.split('#');
  const type = assembly.types?.[fqn];
  const where = (member && [...(type?.methods ?? []), ...(type?.properties ?? [])].find((m) => m.name === member)?.locationInModule)
    || (member === 'initializer' && type?.initializer?.locationInModule)
    || type?.locationInModule;
  return where ? `${where.filename}:${where.line}` : undefined;
}

function locate(example, text, column) {
  const markdown = /^(?<api>.+)-L(?<fence>\d+)$/.exec(example)?.groups;
  if (markdown && markdown.api === `${assembly.name}-README`) {
    return `README.md:${readmeLine(Number(markdown.fence), text)}:${column}`;
  }
  const api = markdown?.api ?? example.replace(/-example$/, '');
  const declaration = declarationOf(api);
  return declaration ? `${declaration} (doc comment of ${api})` : undefined;
}

// A diagnostic is a header line, a blank line, the quoted source line and a line of ~ under the error; the
// located line goes after it.
let pending;
readline.createInterface({ input: process.stdin }).on('line', (output) => {
  const line = stripVTControlCharacters(output);
  if (NAMELESS_WARNING.test(line)) {
    return;
  }
  console.log(output);
  const header = HEADER.exec(line)?.groups;
  if (header) {
    pending = header;
  } else if (pending?.where !== undefined) {
    if (pending.where) {
      console.log(`  at ${pending.where}: ${pending.message}`);
    }
    pending = undefined;
  } else if (pending) {
    const quoted = QUOTED.exec(line)?.groups;
    if (quoted?.line === pending.line) {
      pending.where = locate(pending.example, quoted.text, pending.column) ?? '';
    }
  }
});
