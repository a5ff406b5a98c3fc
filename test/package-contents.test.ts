import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// What `npm pack` ships: exactly what a consumer needs (the compiled library, the jsii assembly, the bundled
// handlers, README, API.md, LICENSE, and the examples as jsii-rosetta translated them with our fixtures,
// .jsii.tabl.json, which Construct Hub shows instead of translating them again) and nothing else. Runs after
// the build (`npm test` builds first).
// `--ignore-scripts` skips `prepare`: re-bundling here would delete and rewrite assets/ while other test files,
// running in parallel, execute those handlers.

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function packedFiles(): string[] {
  const stdout = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [result] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  return result.files.map((file: { path: string }) => file.path).sort();
}

/** Files under `dir` (relative to the root) whose name passes `filter`, recursively. */
function sources(dir: string, filter: (name: string) => boolean): string[] {
  return fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter(filter)
    .map((file) => path.posix.join(dir, file.split(path.sep).join('/')));
}

describe('npm package', () => {
  let files: string[];
  beforeAll(() => {
    files = packedFiles();
  });

  test('ships exactly the compiled library, the jsii assembly, the bundled handlers and the docs', () => {
    const allowed = [
      /^lib\/(?:[a-z0-9-]+\/)*[a-z0-9-]+\.(?:js|d\.ts)$/,
      /^assets\/[a-z0-9-]+\/index\.js$/,
      /^(?:package\.json|\.jsii|\.jsii\.tabl\.json|README\.md|API\.md|LICENSE)$/,
    ];

    expect(files.filter((file) => !allowed.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', '.jsii', '.jsii.tabl.json', 'README.md', 'API.md', 'LICENSE']));
  });

  test('every library source is there compiled, with its declarations, and nothing stale beside them', () => {
    const compiled = sources('lib', (f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .flatMap((ts) => [ts.replace(/\.ts$/, '.js'), ts.replace(/\.ts$/, '.d.ts')])
      .sort();

    expect(files.filter((file) => file.startsWith('lib/'))).toEqual(compiled);
    expect(files).toEqual(expect.arrayContaining([pkg.main, pkg.types]));
  });

  test('every handler in lambda/ is there bundled, as the constructs load it', () => {
    const handlers = fs.readdirSync(path.join(root, 'lambda'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, 'lambda', entry.name, 'index.ts')))
      .map((entry) => `assets/${entry.name}/index.js`)
      .sort();

    expect(handlers.length).toBeGreaterThan(0);
    expect(files.filter((file) => file.startsWith('assets/'))).toEqual(handlers);
  });

  test('package.json: Construct Hub keyword and Apache-2.0 licence', () => {
    expect(pkg.keywords).toContain('awscdk');
    expect(pkg.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });
});

describe('the packed package.json', () => {
  // A real pack, with npm's prepack and postpack scripts (which take the scripts out of the shipped manifest
  // and put the repository's back); with them gone, pacote's `prepare` does not run, so assets/ is untouched.
  let packed: Record<string, any>;
  let before: string;
  let after: string;
  beforeAll(() => {
    const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-aliases-pack-'));
    before = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    try {
      execFileSync('npm', ['pack', '--pack-destination', destination], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      after = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
      const tarball = path.join(destination, `${pkg.name}-${pkg.version}.tgz`);
      packed = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    } finally {
      fs.rmSync(destination, { recursive: true, force: true });
    }
  });

  test('runs nothing on install: no scripts, which would name files the package does not ship', () => {
    expect(pkg.scripts.prepare).toBeDefined(); // the repository still bundles on a fresh clone's npm ci
    expect(packed.scripts).toBeUndefined();
    expect({ ...packed, scripts: undefined }).toEqual({ ...pkg, scripts: undefined });
  });

  test('the repository\'s package.json is put back exactly, with nothing left beside it', () => {
    expect(after).toBe(before);
    expect(fs.existsSync(path.join(root, 'package.json.unpacked'))).toBe(false);
  });
});
