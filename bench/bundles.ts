// Each handler bundled with the shipped esbuild options, and its "floor": a bundle built the same way from an
// entry that imports the same SDK client and command classes and does nothing. What our code adds to the SDK
// is the difference. Used by the bundle budgets (test/budgets-bundle.test.ts) and the cold-start bench.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

export const HANDLERS = ['connection-alias', 'email-address-alias'] as const;
export type HandlerName = (typeof HANDLERS)[number];

const ROOT = path.join(__dirname, '..');

/** The options of scripts/bundle-handlers.js itself, so these bundles are the shipped ones. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const BUNDLE_OPTIONS: esbuild.BuildOptions = require('../scripts/bundle-handlers').BUNDLE_OPTIONS;

/** The value imports (clients and commands) a handler takes from the SDK, read from its sources. */
export function sdkImportsOf(name: HandlerName): Map<string, string[]> {
  const files = [path.join(ROOT, 'lambda', name), path.join(ROOT, 'lambda', 'shared')].flatMap((dir) =>
    fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f)),
  );
  const byModule = new Map<string, Set<string>>();
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
      if (match[1]) continue;
      const names = match[2].split(',').map((n) => n.trim()).filter((n) => /^[A-Za-z]+(Client|Command)$/.test(n));
      const set = byModule.get(match[3]) ?? new Set<string>();
      names.forEach((n) => set.add(n));
      byModule.set(match[3], set);
    }
  }
  return new Map([...byModule].map(([module, names]) => [module, [...names].sort()]));
}

/** The floor's source: the same SDK imports, kept referenced, and a handler that does nothing. */
export function floorSource(name: HandlerName): string {
  const imports = sdkImportsOf(name);
  const all = [...imports.values()].flat();
  if (all.length === 0) throw new Error(`No SDK client or command imports found for ${name}`);
  return [
    ...[...imports].map(([module, names]) => `import { ${names.join(', ')} } from '${module}';`),
    `export const refs = [${all.join(', ')}];`,
    'export async function handler() { return {}; }',
    '',
  ].join('\n');
}

export interface BuiltBundle {
  /** The minified index.js. */
  readonly code: Uint8Array;
  readonly metafile: esbuild.Metafile;
}

async function bundle(entry: esbuild.BuildOptions, outfile: string): Promise<BuiltBundle> {
  const result = await esbuild.build({ ...BUNDLE_OPTIONS, ...entry, outfile, metafile: true, write: false, absWorkingDir: ROOT });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!js) throw new Error(`esbuild produced no .js for ${outfile}`);
  return { code: js.contents, metafile: result.metafile };
}

/** The handler as `npm run bundle` builds it, from the current sources. */
export function buildHandler(name: HandlerName, outfile = path.join(ROOT, 'bench', '.work', name, 'index.js')): Promise<BuiltBundle> {
  return bundle({ entryPoints: [path.join(ROOT, 'lambda', name, 'index.ts')] }, outfile);
}

/** The floor of the handler, built with the same options. */
export function buildFloor(name: HandlerName, outfile = path.join(ROOT, 'bench', '.work', `${name}-floor`, 'index.js')): Promise<BuiltBundle> {
  return bundle({ stdin: { contents: floorSource(name), resolveDir: ROOT, loader: 'ts', sourcefile: `${name}-floor.ts` } }, outfile);
}

/** Bytes of the minified output that come from our own sources (lambda/ and lib/), by the esbuild metafile. */
export function ownCodeBytes(built: BuiltBundle): number {
  const output = Object.values(built.metafile.outputs).find((o) => o.entryPoint);
  if (!output) throw new Error('metafile has no entry output');
  return Object.entries(output.inputs)
    .filter(([input]) => input.startsWith('lambda/') || input.startsWith('lib/'))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
}

/** Writes a built bundle to disk (for running it) and returns its path. */
export function writeBundle(built: BuiltBundle, file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, built.code);
  return file;
}
