import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// Every TypeScript example in README.md is type-checked against the real library (`cdk-aliases` maps to
// lib/index.ts), so the docs cannot rot. As with jsii-rosetta fixtures, each block is compiled as its own module
// after a prelude that declares the names an excerpt takes for granted (`stack`, the library's classes, the
// usual module aliases), leaving out every name the block declares itself.

const root = path.join(__dirname, '..');
const README = path.join(root, 'README.md');

/** Names an excerpt may use without declaring them, and the declaration that provides each. */
const FIXTURE: Record<string, string> = {
  App: "import { App } from 'aws-cdk-lib';",
  Duration: "import { Duration } from 'aws-cdk-lib';",
  RemovalPolicy: "import { RemovalPolicy } from 'aws-cdk-lib';",
  Stack: "import { Stack } from 'aws-cdk-lib';",
  Tags: "import { Tags } from 'aws-cdk-lib';",
  Validations: "import { Validations } from 'aws-cdk-lib';",
  ConnectionAlias: "import { ConnectionAlias } from 'cdk-aliases';",
  EmailAddressAlias: "import { EmailAddressAlias } from 'cdk-aliases';",
  Construct: "import { Construct } from 'constructs';",
  connect: "import * as connect from 'aws-cdk-lib/aws-connect';",
  ec2: "import * as ec2 from 'aws-cdk-lib/aws-ec2';",
  iam: "import * as iam from 'aws-cdk-lib/aws-iam';",
  lambda: "import * as lambda from 'aws-cdk-lib/aws-lambda';",
  logs: "import * as logs from 'aws-cdk-lib/aws-logs';",
  route53: "import * as route53 from 'aws-cdk-lib/aws-route53';",
  app: "declare const app: import('aws-cdk-lib').App;",
  stack: "declare const stack: import('aws-cdk-lib').Stack;",
};

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  lib: ['lib.es2022.d.ts'],
  types: ['node'],
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  paths: { 'cdk-aliases': [path.join(root, 'lib', 'index.ts')] },
};

interface Block {
  /** Line in README.md of the block's first line of code. */
  readonly line: number;
  readonly code: string;
}

/** The ```ts (or ```typescript) blocks of a Markdown text. */
function typescriptBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\s*$/.exec(lines[i]);
    if (!fence) {
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence[2]);
    if (end < 0) {
      throw new Error(`README.md:${i + 1}: unterminated code block`);
    }
    blocks.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Top-level names a block declares (imports, variables, classes, functions, ...). */
function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) {
      names.add(name.text);
    } else {
      name.elements.forEach((e) => ts.isBindingElement(e) && addBinding(e.name));
    }
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) bindings.elements.forEach((e) => names.add(e.name.text));
    } else if (ts.isImportEqualsDeclaration(statement)) {
      names.add(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      statement.declarationList.declarations.forEach((d) => addBinding(d.name));
    } else if (
      (ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/**
 * Type-checks each block as a module of its own, all in one program (loading aws-cdk-lib's types takes seconds),
 * and returns one message per diagnostic, naming the file and line (`file` only serves the messages).
 */
function compileBlocks(blocks: Array<Block & { file: string }>): string[] {
  const virtual = new Map<string, { block: Block & { file: string }; preludeLines: number; text: string }>();
  for (const block of blocks) {
    const declared = declaredNames(block.code);
    const prelude = Object.entries(FIXTURE).filter(([name]) => !declared.has(name)).map(([, declaration]) => declaration);
    prelude.push('export {};');
    // Virtual files next to README.md, so module resolution finds the project's node_modules.
    const fileName = path.join(root, `${path.basename(block.file)}.line-${block.line}.ts`);
    virtual.set(fileName, { block, preludeLines: prelude.length, text: `${prelude.join('\n')}\n${block.code}\n` });
  }

  const host = ts.createCompilerHost(OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const entry = virtual.get(path.resolve(fileName));
    return entry
      ? ts.createSourceFile(fileName, entry.text, languageVersion, true, ts.ScriptKind.TS)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(path.resolve(fileName)) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(path.resolve(fileName))?.text ?? readFile(fileName);

  const program = ts.createProgram([...virtual.keys()], OPTIONS, host);
  const messages: string[] = [];
  for (const [fileName, { block, preludeLines }] of virtual) {
    const source = program.getSourceFile(fileName)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const diagnostic of diagnostics) {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const codeLine = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line - preludeLines;
      const where = codeLine >= 0 ? `${block.file}:${block.line + codeLine}` : `${block.file}:${block.line} (fixture prelude)`;
      messages.push(`${where} (block starting at line ${block.line}): TS${diagnostic.code}: ${text}`);
    }
  }
  // Program-wide problems (options, missing libraries) would otherwise pass silently.
  for (const diagnostic of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
    messages.push(`compiler: TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
  }
  return messages;
}

describe('README examples', () => {
  const blocks = typescriptBlocks(fs.readFileSync(README, 'utf8')).map((b) => ({ ...b, file: 'README.md' }));
  // Two self-checks compiled along with the README: a broken example must fail, naming its line, and a block
  // that declares a name itself must not get it from the prelude (no duplicate declaration).
  const broken = [
    { file: 'broken.md', line: 10, code: "new ConnectionAlias(stack, 'A', {\n  connectionString: 'a.example.com',\n  directoryID: 'd-1234567890',\n});" },
    { file: 'broken.md', line: 30, code: "import { Stack } from 'aws-cdk-lib';\nconst stack = new Stack();\nstack.nope();" },
  ];
  const own = [
    { file: 'own.md', line: 1, code: "import { App, Stack } from 'aws-cdk-lib';\nconst stack = new Stack(new App(), 'S');\nstack.node.path;" },
  ];
  let messages: string[];
  beforeAll(() => {
    messages = compileBlocks([...blocks, ...broken, ...own]);
  });
  const from = (file: string) => messages.filter((m) => m.startsWith(`${file}:`));

  test('the README has TypeScript examples to check', () => {
    // Both constructs, cross-Region redirection, imports, Lambda settings, cdk-nag: a floor for the parser.
    expect(blocks.length).toBeGreaterThanOrEqual(7);
  });

  test('every TypeScript example type-checks against the library', () => {
    expect(from('README.md')).toEqual([]);
    expect(messages.filter((m) => m.startsWith('compiler:'))).toEqual([]);
  });

  test('a broken example fails, naming its line', () => {
    expect(from('broken.md')).toEqual([
      expect.stringMatching(/^broken\.md:12 \(block starting at line 10\): TS2561: .*'directoryID'/),
      expect.stringMatching(/^broken\.md:32 \(block starting at line 30\): TS2339: Property 'nope' does not exist/),
    ]);
  });

  test('a block that declares a name itself does not get it from the prelude', () => {
    expect(from('own.md')).toEqual([]);
  });
});
