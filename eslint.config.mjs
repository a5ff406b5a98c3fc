// @ts-check
// The lint rules that guard this library's architecture, plus typescript-eslint's recommended set.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The modules of lib/ that the handler bundles include: the validation rules and the custom resources' property
 * shapes, shared by both sides so they cannot disagree. They, like lambda/, must not reach construct code.
 */
const BUNDLED_FROM_LIB = ['lib/private/validation.ts', 'lib/private/*-properties.ts'];

const CDK_IN_A_BUNDLE = 'Handlers run in Lambda: the CDK is synth-time code, and would bloat the bundle or fail at run time.';

/** Imports the handler bundles must not contain; `local` says which relative imports are also refused. */
function bundleImports(local) {
  return {
    paths: [
      { name: 'aws-cdk-lib', message: CDK_IN_A_BUNDLE },
      { name: 'constructs', message: CDK_IN_A_BUNDLE },
    ],
    patterns: [{ group: ['aws-cdk-lib/*', 'constructs/*'], message: CDK_IN_A_BUNDLE }, local],
  };
}

/** The files linted with type information: those of tsconfig.lint.json. */
const TYPED = JSON.parse(readFileSync(`${import.meta.dirname}/tsconfig.lint.json`, 'utf8')).include;

/** Node's globals, for the JavaScript files (TypeScript files get them from @types/node). */
const NODE_GLOBALS = Object.fromEntries(
  [
    'require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'URL',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'performance',
    'structuredClone', 'AbortController', 'TextDecoder', 'TextEncoder', 'fetch',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'assets/',
      'dist/',
      'coverage/',
      '**/cdk.out/',
      'test/*.snapshot/',
      'bench/.work/',
      '.venv*/',
      // jsii's output next to the sources.
      'lib/**/*.js',
      'lib/**/*.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // The few CommonJS files (jest config and helpers, the bundler script, the Lambda runner).
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: NODE_GLOBALS },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The handlers and what they bundle.
    files: ['lambda/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', bundleImports({
        // lib/ only through the bundled modules: any other module of lib/ is construct code.
        regex: '^(\\.\\./)+lib(?!/private/(validation|[a-z0-9-]+-properties)$)(/.*)?$',
        message: 'Handlers may import from lib/ only lib/private/validation and lib/private/*-properties.',
      })],
    },
  },
  {
    files: BUNDLED_FROM_LIB,
    rules: {
      'no-restricted-imports': ['error', bundleImports({
        regex: '^\\.\\.?/(?!(validation|[a-z0-9-]+-properties)$)',
        message: 'A module the handlers bundle may import only the other bundled modules (validation, *-properties).',
      })],
    },
  },
  {
    // A promise nobody awaits is, in a handler, a call that may outlive the response or a rejection never
    // reported to CloudFormation; in a test, an `expect(...).rejects` that never runs, so the test cannot fail.
    // The rule needs type information, which costs a TypeScript program: tsconfig.lint.json names the files.
    files: TYPED,
    languageOptions: {
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    rules: {
      // As the compiler's noUnusedLocals: a name dropped by destructuring with a rest sibling is the idiom for
      // "everything but", not a mistake.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The emulators, simulator and tests handle wire-format JSON as `any` in some 50 places; typing them is a
    // rewrite of the test tools, not a lint fix. The library and the handlers keep the rule.
    files: ['test/**/*.ts', 'testkit/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'example/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
