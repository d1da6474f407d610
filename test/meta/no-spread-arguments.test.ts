// `f(...items)` passes every item as an argument on the stack: past ~100,000 items V8 throws
// "Maximum call stack size exceeded". Inputs decide how long arrays of pins, options and
// findings get, so no call in server/src spreads an array (use pushAll, a loop or reduce).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const serverSrc = join(__dirname, '..', '..', 'server', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** `file:line: call` for every spread element that is an argument of a call or `new`. */
function spreadArguments(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isSpreadElement(node) && (ts.isCallExpression(node.parent) || ts.isNewExpression(node.parent))) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push(`${relative(serverSrc, file)}:${line}: ${node.parent.getText().split('\n')[0]}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('no spread of an array into a call in server/src', () => {
  it('tells a spread argument from an array or object spread (the check can fail)', () => {
    const probe = 'out.push(...items);\nMath.max(...xs);\nnew Set([...a]);\nconst o = { ...b };\n';
    expect(spreadArguments(join(serverSrc, 'probe.ts'), probe)).toEqual(['probe.ts:1: out.push(...items)', 'probe.ts:2: Math.max(...xs)']);
  });

  it('has none', () => {
    expect(sourceFiles(serverSrc).flatMap((file) => spreadArguments(file))).toEqual([]);
  });
});
