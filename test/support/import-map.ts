// The machinery behind test/architecture.test.ts: find every import of a source file (static, `export … from`,
// `import()`, `import('…').T` types) with the TypeScript parser, and judge them against an allowed-imports
// table. Pure apart from `scanSources`, so test/import-map.test.ts can prove each rule fails.
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface FoundImport {
  /** The module specifier as written; `null` for an `import()` of a computed expression. */
  spec: string | null;
  /** `import type`, `export type`, every named binding `type`, or an `import('…')` type. */
  typeOnly: boolean;
  kind: 'import' | 'export' | 'import()' | 'import-type';
  line: number;
}

export function importsOf(fileName: string, text: string): FoundImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: FoundImport[] = [];
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const everyNamedIsType = clause !== undefined && clause.name === undefined && bindings !== undefined
        && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      found.push({ spec: node.moduleSpecifier.text, typeOnly: clause?.isTypeOnly === true || everyNamedIsType, kind: 'import', line: line(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const everyNamedIsType = clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      found.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || everyNamedIsType, kind: 'export', line: line(node) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      found.push({ spec: arg !== undefined && ts.isStringLiteralLike(arg) ? arg.text : null, typeOnly: false, kind: 'import()', line: line(node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true, kind: 'import-type', line: line(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** One row of the table: what the files of one folder under src/ may import. */
export interface Row {
  /** Folders (paths under src/, no slashes at the ends) whose modules this folder may import; `*` is every folder. */
  may: readonly string[];
  /** Folders this folder may import types from, with `import type`, but no values. */
  types?: readonly string[];
  /** Whether its files may import `node:child_process` (own processes). */
  spawns?: boolean;
  /** Why the row is what it is, when the arrows alone do not say. */
  why?: string;
}

/** A file-level departure from its folder's row, with the reason; `imports` is a folder under src/ or the specifier. */
export interface Exception { file: string; imports: string; why: string }

export interface SourceFile { rel: string; imports: FoundImport[] }

/** The folder of a path under src/, `.` for src/ itself. */
export function folderOf(rel: string): string {
  const dir = dirname(rel).split(sep).join('/');
  return dir === '' ? '.' : dir;
}

function targetOf(rel: string, spec: string): { folder: string } | { outside: string } | { bare: string } {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const path = relative('/src', resolve('/src', dirname(rel), spec)).split(sep).join('/');
    if (path.startsWith('../')) return { outside: path.slice(3) };
    return { folder: folderOf(path) };
  }
  return { bare: spec };
}

const SPAWN_MODULES = new Set(['node:child_process', 'child_process']);

/**
 * Every problem with the sources against the table, each saying exactly what to change. `folders` are the folders
 * under src/ that hold source files (every one needs a row).
 */
export function checkImports(sources: readonly SourceFile[], folders: readonly string[], table: Readonly<Record<string, Row>>, exceptions: readonly Exception[], tableFile = 'test/architecture.test.ts'): string[] {
  const problems: string[] = [];
  const used = new Set<Exception>();
  const exempt = (file: string, imports: string): boolean => {
    const e = exceptions.find((x) => x.file === file && x.imports === imports);
    if (e !== undefined) used.add(e);
    return e !== undefined;
  };
  const importedBy = new Map<string, Set<string>>();

  for (const { rel, imports } of sources) {
    const folder = folderOf(rel);
    const row = table[folder];
    for (const imp of imports) {
      const where = `src/${rel}:${imp.line}`;
      if (imp.spec === null) {
        if (!exempt(rel, 'import()')) problems.push(`${where} calls import() with a computed specifier, which hides the edge from the allowed-imports table: import a string literal`);
        continue;
      }
      const spec = imp.spec;
      if (spec.includes('node_modules/') && !exempt(rel, spec)) {
        problems.push(`${where} imports '${spec}' by a node_modules/ path: import the package by its name (its exports), never a path into an install`);
        continue;
      }
      const target = targetOf(rel, spec);
      if ('bare' in target) {
        if (SPAWN_MODULES.has(spec) && row !== undefined && row.spawns !== true && !exempt(rel, spec)) {
          problems.push(`${where} imports ${spec}, but only folders whose row says spawns: true own processes (${Object.keys(table).filter((f) => table[f]!.spawns === true).join(', ')}): go through one of them`);
        }
        continue;
      }
      if ('outside' in target) {
        if (target.outside === 'package.json') continue; // the version: data, not code
        if (exempt(rel, spec)) continue;
        const what = target.outside.startsWith('test/') ? 'test/ (tests import src/, never the reverse)' : `${target.outside} outside src/`;
        problems.push(`${where} imports '${spec}' from ${what}: move what it needs into src/ or the importer into test/`);
        continue;
      }
      const to = target.folder;
      if (!importedBy.has(folder)) importedBy.set(folder, new Set());
      if (to !== folder) importedBy.get(folder)!.add(to);
      if (to === folder || row === undefined) continue;
      if (row.may.includes('*') || row.may.includes(to)) continue;
      if (imp.typeOnly && (row.types ?? []).includes(to)) continue;
      if (exempt(rel, to)) continue;
      const typesNote = (row.types ?? []).length > 0 ? `; types only from [${row.types!.join(', ')}]` : '';
      problems.push(`${where} imports '${spec}'${imp.typeOnly ? ' (types only)' : ''}: ${folder} → ${to} is not in the row '${folder}' of ${tableFile} (may: [${row.may.join(', ')}]${typesNote}). `
        + `Import it through a folder the row allows; or, if docs/ARCHITECTURE.md's arrows allow ${folder} → ${to}, add '${to}' to the row '${folder}'${imp.typeOnly ? ` (or to its types)` : ''}; `
        + `or record { file: '${rel}', imports: '${to}', why: '…' } in EXCEPTIONS`);
    }
  }

  for (const folder of folders) {
    if (table[folder] !== undefined) continue;
    const uses = [...(importedBy.get(folder) ?? [])].sort();
    problems.push(`src/${folder === '.' ? '' : `${folder}/`} has no row in the allowed-imports table of ${tableFile}: add the row `
      + `'${folder}': { may: [${uses.map((u) => `'${u}'`).join(', ')}] }, (what its files import today), after checking it against the arrows in docs/ARCHITECTURE.md, and give the folder its entry there`);
  }
  for (const folder of Object.keys(table)) {
    if (!folders.includes(folder)) problems.push(`the row '${folder}' of ${tableFile} names no folder of src/ that holds source files: remove the row (and its entry in docs/ARCHITECTURE.md)`);
  }
  for (const e of exceptions) {
    if (!used.has(e)) problems.push(`the exception { file: '${e.file}', imports: '${e.imports}' } of ${tableFile} matches no import any more: remove it (and its line in docs/ARCHITECTURE.md)`);
  }
  return problems;
}

/** The non-test .ts files under src/ with their imports, and the folders that hold them. */
export function scanSources(src: string): { sources: SourceFile[]; folders: string[] } {
  const sources: SourceFile[] = [];
  const folders = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) { walk(path); continue; }
      if (!path.endsWith('.ts')) continue;
      const rel = relative(src, path).split(sep).join('/');
      folders.add(folderOf(rel));
      if (path.endsWith('.test.ts')) continue;
      sources.push({ rel, imports: importsOf(path, readFileSync(path, 'utf8')) });
    }
  };
  walk(src);
  return { sources, folders: [...folders].sort() };
}
