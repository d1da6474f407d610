// The byte prefilter as it was before the shared per-file pass (commit 97e07ce), kept verbatim as the
// reference the new one must agree with: test/kb/prefilter-differential.test.ts runs both on the
// fixtures, scripts/check-prefilter.ts on any tree. Only the names changed.
import { lastName, type DeprecationEntry } from '../../server/src/engine/kb/deprecations';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// A `*` inside a name (`TF*` of `transformers.TF*`) matches word characters, as in symbolMatcher; a bare
// `*` says nothing about the text, so it is left out. Still linear: one quantifier per alternative.
const alternation = (names: Iterable<string>): string => {
  const list = [...new Set(names)].filter((n) => n && n !== '*').map((n) => n.split('*').map(escape).join('[A-Za-z0-9_]*'));
  return list.length ? `(?:${list.join('|')})` : '(?!)';
};

/**
 * Builds the prefilter of one library. Every reference the parser reports starts at an import of the
 * module, so a file must import it; and a deprecated name is reached as `alias.name` (for names right
 * under the module, the alias is one the file binds: `import numpy as np`, or `xp = np`), as `.name`
 * (deeper paths and instances), imported by name, or passed as `name=`. All patterns are linear: no
 * nested quantifiers, alternations of plain words.
 */
export function referencePrefilter(modules: string[], entries: readonly DeprecationEntry[]): (text: string) => boolean {
  const mods = alternation(modules);
  const imports = new RegExp(`\\bimport[ \\t][^\\n]*\\b${mods}\\b|\\bfrom[ \\t]+${mods}\\b`);
  const parenthesizedFrom = new RegExp(`\\bfrom[ \\t]+(${mods}[\\w.]*)[ \\t]+import[ \\t]*\\(([^)]*)\\)`, 'g');
  const plain = entries.filter((e) => e.kind !== 'keyword');
  const direct = plain.filter((e) => !e.symbol.includes('()') && e.symbol.split('.').length === 2).map((e) => lastName(e.symbol));
  const nested = plain.filter((e) => !direct.includes(lastName(e.symbol))).map((e) => lastName(e.symbol));
  const keywords = entries.filter((e) => e.kind === 'keyword' && e.keyword).map((e) => e.keyword!);
  const directWord = new RegExp(`\\b${alternation(direct)}\\b`);
  const nestedWord = new RegExp(`\\b${alternation(nested)}\\b`);
  const nestedAttribute = new RegExp(`\\.[ \\t]*${alternation(nested)}\\b`);
  // `from numpy import float_` (the module itself) / `from torchvision.transforms import functional_tensor`.
  const directImport = new RegExp(`\\bfrom[ \\t]+${mods}[ \\t]+import[ \\t][^\\n]*\\b${alternation(direct)}\\b`);
  const nestedImport = new RegExp(`\\bfrom[ \\t]+${mods}[\\w.]*[ \\t]+import[ \\t][^\\n]*\\b${alternation(nested)}\\b`);
  const keyword = new RegExp(`\\b${alternation(keywords)}[ \\t]*=`);
  const directAlternation = alternation(direct);
  // `from torch._six import x` names the module with no alias bound.
  const modulePaths = entries.filter((e) => e.kind === 'module' || e.kind === 'import').map((e) => e.symbol);
  const byAliases = new Map<string, RegExp>();
  return (text) => {
    if (entries.length === 0 || !modules.some((m) => text.includes(m)) || !imports.test(text)) return false;
    if (keywords.length && keyword.test(text)) return true;
    if (modulePaths.some((m) => text.includes(m))) return true;
    if (direct.length === 0 && nested.length === 0) return false;
    if (nested.length > 0 && (nestedAttribute.test(text) || nestedImport.test(text))) return true;
    if (direct.length > 0 && directImport.test(text)) return true;
    // `from numpy import (\n float_,\n)` puts the names on lines of their own.
    for (const [, module, names] of text.matchAll(parenthesizedFrom)) {
      if (nested.length > 0 && nestedWord.test(names!)) return true;
      if (direct.length > 0 && modules.includes(module!) && directWord.test(names!)) return true;
    }
    if (direct.length === 0) return false;
    const aliases = boundNames(text, modules);
    if (aliases.length === 0) return false;
    const id = aliases.join(' ');
    let uses = byAliases.get(id);
    if (!uses) {
      uses = new RegExp(`\\b${alternation(aliases)}[ \\t]*\\.[ \\t]*${directAlternation}\\b`);
      if (byAliases.size < 256) byAliases.set(id, uses);
    }
    return uses.test(text);
  };
}

// A BOM (U+FEFF) may open the first line, as blank as an indent.
const importStatement = /^[ \t\uFEFF]*import[ \t]+([^\n#;]+)/gm;
const simpleAssignment = /^[ \t\uFEFF]*([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_]\w*)[ \t]*(?:#[^\n]*)?$/gm;

/** Names a file binds to one of the modules: `import numpy as np` → np, `import numpy.linalg` → numpy, `xp = np` → xp. */
function boundNames(text: string, modules: string[]): string[] {
  const bound = new Set<string>();
  for (const match of text.matchAll(importStatement)) {
    for (const part of match[1]!.split(',')) {
      const [dotted, alias] = part.trim().split(/[ \t]+as[ \t]+/);
      if (!dotted) continue;
      const top = dotted.trim().split('.')[0]!;
      if (!modules.includes(top)) continue;
      bound.add(alias?.trim().match(/^\w+/)?.[0] ?? top);
    }
  }
  if (bound.size > 0) {
    for (const match of text.matchAll(simpleAssignment)) if (bound.has(match[2]!)) bound.add(match[1]!);
  }
  return [...bound];
}

/**
 * The entry subsets a prefilter is asked about: what deprecated-api uses (the entries that apply to
 * each single version the library knows, with and without behaviour changes, which an unpinned
 * library leaves out; and to all of them), every entry alone, and the entries of each kind.
 */
export function prefilterSubsets<E extends DeprecationEntry>(library: { versions: string[]; entries: E[] }, applies: (entry: E, versions: string[]) => boolean): { name: string; entries: E[] }[] {
  const subsets = [{ name: 'all', entries: library.entries }];
  for (const version of library.versions) {
    subsets.push({ name: `at ${version}`, entries: library.entries.filter((e) => applies(e, [version])) });
    // Unpinned, behaviour changes can only give a note, which needs pins: the rule leaves them out.
    subsets.push({ name: `unpinned at ${version}`, entries: library.entries.filter((e) => applies(e, [version]) && !e.changed) });
  }
  subsets.push({ name: 'any version', entries: library.entries.filter((e) => applies(e, library.versions)) });
  for (const kind of new Set(library.entries.map((e) => e.kind))) subsets.push({ name: `kind ${kind}`, entries: library.entries.filter((e) => e.kind === kind) });
  library.entries.forEach((e, i) => subsets.push({ name: `entry ${i} ${e.symbol}`, entries: [e] }));
  return subsets;
}
