// The bundled CLI (`npm run build` → dist/): esbuild joins src/'s modules into chunks, so Node's
// ESM loader resolves, reads and links 17 files for `panther snapshot list` instead of 24 (23
// modules and package.json) and 4 builtins' facades, none of them TypeScript to strip. Code
// splitting keeps every dynamic import() a chunk of its own, so a command still loads only what it
// uses (test/bundle.test.ts); npm packages stay in node_modules (imported, not copied). Why a
// bundle and the measurements: docs/DECISIONS.md.
//
// The entries are the source's own programs: src/cli/panther.js (the executable, compile cache
// first), the chunking thread and the drill's inner process. Every output file lands directly in
// the output directory, so a source file's `import.meta.url` / `dirname` can be rewritten to the
// place the file had in src/ (web assets, package.json), relative to the chunk; a `new URL('./x',
// import.meta.url)` naming another entry points at that entry's output instead.
import { build, type Metafile, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

/** Output name (without .js) → the source program it bundles. */
export const ENTRIES: Readonly<Record<string, string>> = {
  panther: 'src/cli/panther.js',
  'chunk-worker': 'src/repo/writer/chunk-worker.js',
  'drill-inner': 'src/drill/inner.ts',
};

const SRC = join(ROOT, 'src') + sep;
const META = /new URL\((['"])(\.{1,2}\/[^'"]+)\1,\s*import\.meta\.url\)|import\.meta\.(\w+)(\(\s*['"]\.)?/g;

/** `to` relative to `from`, as a URL path ('../src/serve/web.ts'). */
function urlPath(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/**
 * A source file's text with every `import.meta` that names a place on disk made to name the same
 * place from a chunk in `outdir`. Anything else is refused, so a new use is looked at, not broken.
 */
export function relocate(text: string, file: string, outdir: string, entries: ReadonlyMap<string, string>): string {
  let needsResolve = false;
  const out = text.replace(META, (match: string, _q: string | undefined, rel: string | undefined, prop: string | undefined, relativeCall: string | undefined) => {
    if (rel !== undefined) {
      const name = entries.get(resolve(dirname(file), rel));
      return name !== undefined
        ? `new URL(${JSON.stringify(`./${name}.js`)}, import.meta.url)`
        : `new URL(${JSON.stringify(urlPath(outdir, resolve(dirname(file), rel)))}, import.meta.url)`;
    }
    switch (prop) {
      case 'url': return `new URL(${JSON.stringify(urlPath(outdir, file))}, import.meta.url).href`;
      case 'dirname': needsResolve = true; return `__pantherResolve(import.meta.dirname, ${JSON.stringify(urlPath(outdir, dirname(file)))})`;
      case 'filename': needsResolve = true; return `__pantherResolve(import.meta.dirname, ${JSON.stringify(urlPath(outdir, file))})`;
      // Only the programs are main modules; any other file, whichever output file holds it, is not
      // (as a source module that panther.js imports is not).
      case 'main': return entries.has(file) ? match : 'false';
      // Bare specifiers resolve the same from dist/ (same package, same node_modules).
      case 'resolve': if (relativeCall === undefined) return match; break;
    }
    throw new Error(`${relative(ROOT, file)}: \`${match}\` cannot be bundled as it is: teach scripts/bundle.ts where it points from ${relative(ROOT, outdir)}/`);
  });
  if (!needsResolve) return out;
  // After a shebang line, which must stay first.
  const at = out.startsWith('#!') ? out.indexOf('\n') + 1 : 0;
  return `${out.slice(0, at)}import { resolve as __pantherResolve } from 'node:path';\n${out.slice(at)}`;
}

const BUILTIN_IMPORT = /^import\s+(?!type\b)(?:(\w+)|\*\s+as\s+(\w+)|\{([^}]*)\})\s+from\s+(['"])(node:[^'"]+)\4;?/gm;

/**
 * A source file's `import … from 'node:x'` as `const … = process.getBuiltinModule('node:x')`. The
 * ESM facade of a builtin reads every export the first time it is imported, and some exports are
 * lazy getters: node:fs's ReadStream loads node:stream, node:util's TextDecoder the encodings. The
 * CommonJS object is what the facade wraps; a destructuring reads only the names used. Unlike an
 * import, the names exist only once the module's first lines ran: sound while no module of src/ runs
 * before its own imports did, i.e. without import cycles (buildBundle refuses one).
 */
export function builtinsAsObjects(text: string): string {
  return text.replace(BUILTIN_IMPORT, (_m, def: string | undefined, ns: string | undefined, names: string | undefined, _q: string, id: string) => {
    const module = `process.getBuiltinModule(${JSON.stringify(id)})`;
    if (names === undefined) return `const ${def ?? ns} = ${module};`;
    const values = names.split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type '))
      .map((n) => n.replace(/^(\w+)\s+as\s+(\w+)$/, '$1: $2'));
    return values.length === 0 ? '' : `const { ${values.join(', ')} } = ${module};`;
  });
}

function forTheBundle(outdir: string, entries: ReadonlyMap<string, string>, builtins: boolean): Plugin {
  return {
    name: 'panther-bundle',
    setup(b) {
      // A path into node_modules (the demo reaches two files fauxqs does not export) stays an import
      // of the package's own file, as a bare specifier does: one copy of each npm module.
      b.onResolve({ filter: /\/node_modules\// }, (args) => {
        if (!args.importer.startsWith(SRC) || !args.path.startsWith('.')) return undefined;
        return { path: urlPath(outdir, resolve(dirname(args.importer), args.path)), external: true };
      });
      // The package's manifest as the sources import it (defaults.ts: the version), without the
      // dependency lists: at a Nix build they name store paths, which would become the bundle's.
      b.onLoad({ filter: /\/package\.json$/ }, async (args) => {
        if (args.path !== join(ROOT, 'package.json')) return undefined;
        const { dependencies: _d, devDependencies: _dd, optionalDependencies: _o, peerDependencies: _p, ...rest } = JSON.parse(await readFile(args.path, 'utf8')) as Record<string, unknown>;
        return { contents: JSON.stringify(rest), loader: 'json' };
      });
      b.onLoad({ filter: /\.[jt]s$/ }, async (args) => {
        if (!args.path.startsWith(SRC)) return undefined;
        let text = await readFile(args.path, 'utf8');
        if (text.includes('import.meta.')) text = relocate(text, args.path, outdir, entries);
        if (builtins) text = builtinsAsObjects(text);
        return { contents: text, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

/** A cycle of static imports among the bundled source files, or null. */
export function importCycle(metafile: Metafile): string[] | null {
  const next = (file: string): string[] => metafile.inputs[file]?.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => i.path) ?? [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return null;
    path.push(file);
    for (const n of next(file)) {
      const found = visit(n);
      if (found !== null) return found;
    }
    path.pop();
    done.add(file);
    return null;
  };
  for (const file of Object.keys(metafile.inputs)) {
    const found = visit(file);
    if (found !== null) return found;
  }
  return null;
}

export interface BundleOptions {
  /** Builtins through process.getBuiltinModule (default) or `import` (measured: DECISIONS.md). */
  builtinImports?: boolean;
  /** Minified output (measured, not used: no faster, and stack traces lose their names). */
  minify?: boolean;
  /** false: one file per entry, dynamic imports inlined (measured, not used: see DECISIONS.md). */
  splitting?: boolean;
  /** More entries beside ENTRIES, name → source path (tests reach a module's exports this way). */
  entries?: Readonly<Record<string, string>>;
}

export interface Bundle {
  outdir: string;
  /** The executable: run it with node, as src/cli/panther.js. */
  entry: string;
  /** Output files, relative to outdir. */
  files: string[];
}

/** Writes the bundle to `outdir` (a directory directly inside the package: chunks import npm packages from its node_modules). */
export async function buildBundle(outdir: string, o: BundleOptions = {}): Promise<Bundle> {
  const out = isAbsolute(outdir) ? outdir : resolve(ROOT, outdir);
  if (dirname(out) !== ROOT) throw new Error(`${out}: the bundle goes in a directory directly inside ${ROOT} (its chunks find src/ at ../src)`);
  const all = { ...ENTRIES, ...o.entries };
  const entries = new Map(Object.entries(all).map(([name, path]) => [join(ROOT, path), name]));
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(all).map(([name, path]) => [name, join(ROOT, path)])),
    outdir: out,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: o.splitting ?? true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    minify: o.minify ?? false,
    // Maps from the chunks to src/, used only when asked for (node --enable-source-maps).
    sourcemap: 'linked',
    // The maps point at src/, which ships beside dist/.
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [forTheBundle(out, entries, o.builtinImports !== true)],
  });
  const cycle = importCycle(result.metafile);
  if (cycle !== null) throw new Error(`an import cycle in src/ (${cycle.join(' → ')}): builtins read at a module's top would not be there yet; break it`);
  const files = Object.keys(result.metafile.outputs).map((f) => relative(out, resolve(ROOT, f)));
  const nested = files.filter((f) => f.includes(sep));
  if (nested.length > 0) throw new Error(`bundle files below ${out}: ${nested.join(', ')} (every file must sit directly in it)`);
  return { outdir: out, entry: join(out, 'panther.js'), files };
}
