// Every PantherError code that src/ can throw, found in the source (so docs/CLI.md's table can be checked):
// the literal codes of `new PantherError(…)` (both branches of a `?:`), of the helpers that pass their first
// argument on as the code (`refused(…)` in repo/errors.ts, `make(…)` in repo/backend/s3-errors.ts, `usageError`),
// and the `code: '…'` a schema-checked read is given (core/schema.ts).
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ErrorCodeSite { code: string; file: string; line: number; exit: string | undefined; message: string }

const CODE_HELPERS = new Set(['refused', 'make', 'scratchError']);
const SCHEMA_HELPERS = new Set(['schemaError', 'parseWithSchema']);

function literals(node: ts.Expression): string[] {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isConditionalExpression(node)) return [...literals(node.whenTrue), ...literals(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return literals(node.expression);
  return [];
}

function property(obj: ts.Expression | undefined, name: string): ts.Expression | undefined {
  if (obj === undefined || !ts.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.properties) if (ts.isPropertyAssignment(p) && p.name.getText() === name) return p.initializer;
  return undefined;
}

export function errorCodesIn(fileName: string, text: string): ErrorCodeSite[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const sites: ErrorCodeSite[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const add = (codes: string[], node: ts.Node, exit: string | undefined, message: ts.Expression | undefined) => {
    for (const code of codes) sites.push({ code, file: fileName, line: at(node), exit, message: message?.getText(source) ?? '' });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && node.expression.getText(source) === 'PantherError' && node.arguments?.[0] !== undefined) {
      add(literals(node.arguments[0]), node, property(node.arguments[2], 'exitCode')?.getText(source), node.arguments[1]);
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const callee = node.expression.text;
      const first = node.arguments[0];
      if (CODE_HELPERS.has(callee) && first !== undefined) add(literals(first), node, callee === 'refused' ? 'ExitCode.refused' : undefined, node.arguments[1]);
      if (callee === 'usageError') add(['usage'], node, 'ExitCode.usage', first);
      if (SCHEMA_HELPERS.has(callee)) {
        for (const arg of node.arguments) {
          const code = property(arg, 'code');
          if (code !== undefined) add(literals(code), node, property(arg, 'exitCode')?.getText(source), property(arg, 'what'));
        }
      }
    } else if (ts.isObjectLiteralExpression(node) && (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent))) {
      // `const opts = { code: 'profiles-invalid', what: … }` handed to a schema-checked read later, or
      // `{ unreadable: { code: 'ledger-unreadable', what: … } }` handed to core/read-state-json.ts.
      const code = property(node, 'code');
      if (code !== undefined && (property(node, 'what') ?? property(node, 'namedArrays')) !== undefined) add(literals(code), node, property(node, 'exitCode')?.getText(source), property(node, 'what'));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

export function errorCodesUnder(src: string): ErrorCodeSite[] {
  const sites: ErrorCodeSite[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) {
        sites.push(...errorCodesIn(relative(src, path), readFileSync(path, 'utf8')));
      }
    }
  };
  walk(src);
  return sites;
}
