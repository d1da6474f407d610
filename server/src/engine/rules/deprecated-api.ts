import type { Edit, Fix } from '../findings';
import { deprecationLibraries, type CompiledEntry, type CompiledLibrary } from '../kb/deprecations';
import type { PyReference, ReferenceFilter, Span } from '../model';
import type { Environment } from '../project';
import { compareVersions } from '../versions';
import { defineRule } from './define';
import { governingProject } from '../layout';
import type { ScanQuery } from '../parsers/python-scan';
import { allowedVersions, entrySubset, isGuarded, judge, matches, short, type Allowed, type Verdict } from './support/deprecations';

/** Rewrites a dotted replacement path so it starts with the name the file uses for the root. */
function rooted(to: string, ref: PyReference, text: string): string | null {
  if (!ref.root) return null;
  const written = text.slice(ref.root.span.start, ref.root.span.end);
  const prefix = ref.root.path;
  return to.replace(/-?[A-Za-z_][A-Za-z0-9_.]*/g, (token) => {
    const sign = token.startsWith('-') ? '-' : '';
    const path = token.slice(sign.length);
    if (path === prefix) return sign + written;
    if (path.startsWith(`${prefix}.`)) return sign + written + path.slice(prefix.length);
    if (path.includes('.')) return '\0'; // a module the file has no name for
    return token;
  });
}

/** The keyword arguments written directly in one call (nested calls' keywords are inside their own spans). */
function keywordsOf(call: PyReference, refs: readonly PyReference[]): PyReference[] {
  const args = call.argumentsSpan;
  if (!args) return [];
  return refs.filter(
    (r) => r.kind === 'keyword' && r.path === call.path && r.argument && r.argument.span.start > args.start && r.argument.span.end < args.end,
  );
}

/** True when every argument of the call is a `name=value` keyword (no positional, `*args` or `**kwargs`). */
function onlyKeywordArguments(call: PyReference, keywords: PyReference[], text: string): boolean {
  const args = call.argumentsSpan;
  if (!args) return false;
  let inside = text.slice(args.start + 1, args.end - 1);
  const offset = args.start + 1;
  // Blank each keyword argument (last first, so earlier offsets stay valid), then drop comments.
  for (const k of [...keywords].sort((a, b) => b.argument!.span.start - a.argument!.span.start)) {
    const { start, end } = k.argument!.span;
    inside = inside.slice(0, start - offset) + ' '.repeat(end - start) + inside.slice(end - offset);
  }
  return inside.replace(/#[^\n]*/g, '').replace(/[\s,]/g, '') === '';
}

/** The call passes `**kwargs`, which may hold any keyword. */
const hasKeywordSplat = (call: PyReference, text: string): boolean =>
  !!call.argumentsSpan && /(^|[(,\s])\*\*[A-Za-z_(]/.test(text.slice(call.argumentsSpan.start, call.argumentsSpan.end));

function buildFix(entry: CompiledEntry, ref: PyReference, file: string, text: string, allowed: Allowed, refs: readonly PyReference[]): Fix | null {
  const replacement = entry.replacement;
  const to = replacement.to ?? '';
  if ((!to && replacement.kind !== 'keywords') || replacement.kind === 'manual') return null;
  const sinceOk = !replacement.since || (allowed.described !== null && allowed.versions.every((v) => compareVersions(v, replacement.since!) >= 0));
  const applicability = replacement.exact === true && sinceOk ? 'safe' : 'manual';
  const edit = (start: number, end: number, newText: string): Edit => ({ file, span: { start, end }, text: newText });
  const written = text.slice(ref.span.start, ref.span.end);

  if (replacement.kind === 'keywords') {
    // Arguments that became keyword-only: name the extra positional ones (`mel(22050, 2048)` → `mel(sr=22050, n_fft=2048)`).
    if (entry.kind !== 'positional' || ref.kind !== 'call' || ref.starred || !ref.positional || !entry.parameters) return null;
    const extra = ref.positional.slice(entry.positional!);
    const names = entry.parameters.slice(entry.positional!, entry.positional! + extra.length);
    if (names.length < extra.length || names.some((n) => ref.keywords?.includes(n))) return null;
    const edits = extra.map((argument, i) => edit(argument.start, argument.start, `${names[i]}=`));
    return { title: `Pass ${names.map((n) => `\`${n}=\``).join(', ')} by keyword`, edits, applicability: replacement.exact !== false && sinceOk ? 'safe' : 'manual' };
  }

  if (replacement.kind === 'keyword-renamed' && ref.kind === 'keyword' && ref.argument) {
    if (replacement.values) {
      const value = text.slice(ref.argument.valueSpan.start, ref.argument.valueSpan.end);
      const mapped = replacement.values[value];
      if (mapped === undefined) return null;
      return { title: `Replace with \`${to}=${mapped}\``, edits: [edit(ref.argument.span.start, ref.argument.span.end, `${to}=${mapped}`)], applicability };
    }
    return { title: `Rename \`${written}=\` to \`${to}=\``, edits: [edit(ref.span.start, ref.span.end, to)], applicability };
  }

  if (replacement.kind === 'expression') {
    if (replacement.reordersArguments && !(ref.kind === 'call' && onlyKeywordArguments(ref, keywordsOf(ref, refs), text))) return null;
    const expression = rooted(to, ref, text);
    if (expression === null || expression.includes('\0')) return null;
    const edits = [edit(ref.span.start, ref.span.end, expression)];
    if (replacement.prependArguments?.length) {
      if (ref.kind !== 'call' || !ref.argumentsSpan) return null;
      const inside = text.slice(ref.argumentsSpan.start + 1, ref.argumentsSpan.end - 1);
      const added = replacement.prependArguments.join(', ') + (inside.trim() ? ', ' : '');
      edits.push(edit(ref.argumentsSpan.start + 1, ref.argumentsSpan.start + 1, added));
    }
    const shown = replacement.prependArguments?.length ? `${expression}(${replacement.prependArguments.join(', ')}, …)` : expression;
    return { title: `Replace with \`${shown}\``, edits, applicability };
  }

  // rename / module-moved
  if (ref.kind === 'import') {
    const parent = ref.path.slice(0, ref.path.lastIndexOf('.'));
    if (!to.startsWith(`${parent}.`) || to.slice(parent.length + 1).includes('.')) return null;
    const name = to.slice(parent.length + 1);
    const old = text.slice(ref.nameSpan.start, ref.nameSpan.end);
    // `from pkg import old` binds `old`: import the new name under the old one so every use keeps working.
    // (A dotted span is `import a.b.old` or `from a.b.old import x`, which bind other names.)
    const fromItem = !written.includes('.') && ref.path.includes('.');
    const aliased = /^\s+as\b/.test(text.slice(ref.span.end, ref.span.end + 64));
    if (fromItem && !aliased) {
      return { title: `Import \`${name} as ${old}\``, edits: [edit(ref.nameSpan.start, ref.nameSpan.end, `${name} as ${old}`)], applicability };
    }
    if (replacement.kind !== 'module-moved' && !fromItem) return null;
    return { title: `Import \`${name}\` instead`, edits: [edit(ref.nameSpan.start, ref.nameSpan.end, name)], applicability };
  }
  if (!to.includes('.')) return { title: `Replace with \`${to}\``, edits: [edit(ref.span.start, ref.span.end, to)], applicability };
  const parent = ref.path.slice(0, ref.path.lastIndexOf('.'));
  if (to.startsWith(`${parent}.`)) {
    const tail = to.slice(parent.length + 1);
    const newText = written.slice(0, ref.nameSpan.start - ref.span.start) + tail;
    return { title: `Replace with \`${newText}\``, edits: [edit(ref.nameSpan.start, ref.nameSpan.end, tail)], applicability };
  }
  const expression = rooted(to, ref, text);
  if (expression === null || expression.includes('\0')) return null;
  return { title: `Replace with \`${expression}\``, edits: [edit(ref.span.start, ref.span.end, expression)], applicability };
}

function describeRef(ref: PyReference, text: string): string {
  const written = text.slice(ref.span.start, ref.span.end).replace(/\s+/g, ' ');
  if (ref.kind === 'keyword') {
    const callee = ref.path.replace(/\(\)/g, '').split('.').slice(-1)[0];
    return `\`${written}=\` of \`${callee}()\``;
  }
  return `\`${written}\``;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a message says what fails: removed names, or calls written the old way. */
function phrases(entry: CompiledEntry, ref: PyReference, what: string) {
  if (entry.kind === 'positional') {
    const call = `${what.slice(0, -1)}()\``;
    const n = ref.positional?.length ?? 0;
    const limit = entry.positional === 0 ? 'keyword arguments only' : `at most ${plural(entry.positional!, 'positional argument')}`;
    return {
      removed: (v: string) => `${call} passes ${plural(n, 'argument')} by position, which fails from ${v} on: it takes ${limit}`,
      missing: (vs: string, since: string) => `${call} passes ${plural(n, 'argument')} by position, which fails on ${vs} (from ${since} it takes ${limit})`,
      deprecated: (v: string) => `${call} passes ${plural(n, 'argument')} by position, deprecated since ${v} (it will take ${limit})`,
    };
  }
  if (entry.kind === 'required-keyword') {
    const call = `${what.slice(0, -1)}()\``;
    return {
      removed: (v: string) => `${call} without \`${entry.keyword}=\` fails from ${v} on`,
      missing: (vs: string, since: string) => `${call} without \`${entry.keyword}=\` fails on ${vs} (required from ${since})`,
      deprecated: (v: string) => `${call} without \`${entry.keyword}=\` is deprecated since ${v}`,
    };
  }
  return {
    removed: (v: string) => `${what} was removed in ${v}`,
    missing: (vs: string, since: string) => `${what} does not exist in ${vs} (removed in ${since}`,
    deprecated: (v: string) => `${what} is deprecated since ${v}`,
  };
}

function context(library: CompiledLibrary, allowed: Allowed): string {
  if (allowed.python) {
    if (!allowed.described) return `no target Python is declared, so the newest known Python ${short(allowed.versions[0]!)} is assumed`;
    return allowed.exact ? `this project targets ${allowed.described}` : `this project allows ${allowed.described}`;
  }
  const subject = allowed.project ? `the project in ${allowed.project}/` : 'this project';
  if (!allowed.described) return `${library.distribution} is not pinned${allowed.project ? ` in ${allowed.project}/` : ''}, so the newest known ${library.library} ${short(allowed.versions[0]!)} is assumed`;
  return allowed.exact ? `${subject} pins ${allowed.described}` : `${subject} allows ${allowed.described}`;
}

function message(library: CompiledLibrary, entry: CompiledEntry, verdict: Verdict, allowed: Allowed, ref: PyReference, text: string, uses = 1): string {
  const what = describeRef(ref, text);
  const lib = library.library;
  const say = phrases(entry, ref, what);
  const where = context(library, allowed);
  let head: string;
  if (verdict.level === 'note') {
    const without = entry.unlessKeyword ? ` without \`${entry.unlessKeyword}=\`` : '';
    const more = uses > 1 ? `; ${plural(uses, 'use')} in this file` : '';
    head = `${what}${without} behaves differently from ${lib} ${short(entry.changed!)} on (${where}${more})`;
  } else if (verdict.level === 'error') {
    head = `${say.removed(`${lib} ${short(entry.removed!)}`)} (${where})`;
  } else if (verdict.removedIn.length > 0) {
    const back = entry.restored ? `, back from ${short(entry.restored)}` : '';
    const argumentKind = entry.kind === 'positional' || entry.kind === 'required-keyword';
    head = `${say.missing(`${lib} ${verdict.removedIn.map(short).join(', ')}`, short(entry.removed!))}${argumentKind ? '' : `${back})`}, which ${allowed.described ?? library.distribution} allows`;
  } else {
    const later = entry.removed ? ` and removed in ${short(entry.removed)}` : '';
    head = `${say.deprecated(`${lib} ${short(entry.deprecated!)}`)}${later} (${where})`;
  }
  const replacement = entry.replacement;
  let advice = '';
  if (replacement.kind === 'manual') advice = replacement.hint ? ` ${replacement.hint}` : ' It has no replacement.';
  else if (replacement.kind === 'keywords') {
    const names = entry.parameters?.slice(entry.positional ?? 0, ref.positional?.length ?? 0) ?? [];
    advice = names.length ? ` Pass ${names.map((n) => `\`${n}=\``).join(', ')} by keyword.` : ' Pass the arguments by keyword.';
    if (replacement.hint) advice += ` ${replacement.hint}`;
  } else if (replacement.kind === 'keyword-renamed' && replacement.to) {
    const values = replacement.values ? Object.entries(replacement.values).map(([, v]) => `${replacement.to}=${v}`).join(' or ') : `${replacement.to}=`;
    advice = ` Use \`${values}\`${replacement.since ? ` (${lib} ${short(replacement.since)}+)` : ''}.`;
  } else if (replacement.to) {
    advice = ` Use \`${replacement.to}\`${replacement.since ? ` (${lib} ${short(replacement.since)}+)` : ''}.`;
  }
  if (verdict.level === 'note') return `${head}.${entry.note ? ` ${entry.note}` : ''}${advice}`;
  return `${head}.${advice}${entry.note ? ` ${entry.note}` : ''}`;
}

/** Ids of the scan queries, which live as long as the knowledge base (entrySubset makes one per library and entry subset). */
const queryIds = new WeakMap<ScanQuery, number>();
let nextQueryId = 0;
/** Filters by the queries they serve: the same object across analyses, so a file's facts keep what it gave. */
const filters = new Map<string, ReferenceFilter>();
const maxFilters = 256;

/** The references some query wants (keyword arguments by their keyword): one function per set of queries. */
function referenceFilter(queries: readonly ScanQuery[]): ReferenceFilter {
  const key = queries
    .map((query) => {
      if (!queryIds.has(query)) queryIds.set(query, nextQueryId++);
      return queryIds.get(query)!;
    })
    .join(',');
  let filter = filters.get(key);
  if (!filter) {
    if (filters.size >= maxFilters) filters.clear();
    filters.set(key, (filter = (path, keyword) => queries.some((query) => query.wants(path, keyword))));
  }
  return filter;
}

export const deprecatedApi = defineRule(
  {
    id: 'deprecated-api',
    defaultLevel: 'warning',
    summary: 'A .py use of an API deprecated in (warning) or removed from (error) the version the project pins.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Flags uses in \`.py\` files of APIs that the pinned version of a library deprecated (warning) or removed (error); unpinned means the newest known version. Names are resolved through the file's imports (\`import numpy as np\`, \`from PIL import Image\`), attribute chains, instances (\`draw = ImageDraw.Draw(im)\`) and keyword arguments; strings, comments and unrelated objects are never flagged. The version comes from the pins of the project the file belongs to (see README, Which pins govern which file), named in the message when it is not the repository's own: removed in every version the pins allow is an error, removed in only some of them is a warning naming those versions.

## Why it matters
Removed APIs fail at run time (\`AttributeError: module 'numpy' has no attribute 'float'\`); deprecated ones will with the next upgrade. Which is which depends on the version you pin: \`np.bool\` fails on NumPy 1.24–1.26 and works again on 2.0.

## Example
\`\`\`text
# requirements.txt: numpy==1.26.4
import numpy as np
x = np.float(3)   # error: removed in NumPy 1.24
\`\`\`

## Fix
Use the replacement the message names. The quick fix is *safe* (applied by \`--fix\` and fix-all) only when the replacement behaves the same and exists in every version the project allows; otherwise it is *manual*: offered in the editor, never applied in bulk.
`,
  },
  (context) => {
    const libraries = deprecationLibraries(context.kb);
    if (libraries.length === 0) return;
    const byModule = new Map<string, CompiledLibrary>();
    for (const library of libraries) for (const module of library.modules) byModule.set(module, library);

    // Per set of environments (a project root): the versions in effect and the entries that apply to them.
    interface Scope {
      allowed: Map<CompiledLibrary, Allowed>;
      /** The references any active entry could match: the only ones asked of the parse. */
      wanted: ReferenceFilter;
      active: { library: CompiledLibrary; entries: CompiledEntry[]; candidates: (path: string) => readonly CompiledEntry[]; mayMatch: (text: string) => boolean; query: ScanQuery }[];
    }
    const scopes = new Map<string, Scope>();
    const scopeOf = ({ root, environments }: { root: string; environments: Environment[] }): Scope => {
      const id = `${root}\0${environments.map((e) => e.id).join('\0')}`;
      let scope = scopes.get(id);
      if (scope) return scope;
      scope = { allowed: new Map(), active: [], wanted: () => false };
      for (const library of libraries) {
        const allowed: Allowed = { ...allowedVersions(library, environments, context.project.targetPython), ...(root ? { project: root } : {}) };
        scope.allowed.set(library, allowed);
        // A behaviour change is noted only where the project says which versions it runs (see below):
        // unpinned, its entries can report nothing, and no file is parsed for them.
        const entries = library.entries.filter((e) => {
          const verdict = judge(e, allowed.versions);
          return verdict !== null && !(verdict.level === 'note' && allowed.described === null);
        });
        if (entries.length > 0) scope.active.push({ library, entries, ...entrySubset(library, entries), mayMatch: library.prefilter(entries) });
      }
      scope.wanted = referenceFilter(scope.active.map((a) => a.query));
      scopes.set(id, scope);
      return scope;
    };

    for (const parsed of context.project.parsed.values()) {
      if (!parsed.python) continue;
      // A notebook's code is read from its cells: spans index that text until they are reported.
      const embedded = parsed.python.embedded;
      const text = embedded?.text ?? context.project.sources.get(parsed.path)?.text;
      if (text === undefined) continue;
      const toFile = (span: Span): Span => (embedded ? embedded.toFile(span) : span);
      const scope = scopeOf(governingProject(context.project, parsed.path));
      // Byte-level prefilter: parse only files that import a tracked module and write one of the names
      // that can fail on the versions in effect.
      const passing = scope.active.filter((a) => a.mayMatch(text));
      if (passing.length === 0) continue;
      // Then a token scan: most files that pass name a deprecated attribute only on things no import reaches.
      const reached = parsed.python.mayReach(passing.map((a) => a.query));
      const present = passing.filter((_, i) => reached[i]);
      if (present.length === 0) continue;
      const refs = parsed.python.references(scope.wanted);
      const notChecked = parsed.python.notChecked();
      if (notChecked) {
        context.report({ level: 'note', file: parsed.path, span: { start: 0, end: 0 }, message: `Not checked for deprecated APIs: ${notChecked}.` });
        continue;
      }
      // Behaviour notes: one per file and entry, at the first use, with the count.
      const notes = new Map<CompiledEntry, { uses: number; emit: (uses: number) => void }>();
      for (const ref of refs) {
        const root = ref.path.split(/[.(]/, 1)[0]!;
        const library = byModule.get(root);
        const active = library && present.find((a) => a.library === library);
        if (!library || !active) continue;
        const path = library.canonical(ref.path);
        const resolved = path === ref.path ? ref : { ...ref, path };
        for (const entry of active.candidates(path)) {
          if (!matches(entry, ref, path)) continue;
          if (entry.unlessKeyword && (hasKeywordSplat(ref, text) || keywordsOf(ref, refs).some((k) => k.keyword === entry.unlessKeyword))) break;
          if (isGuarded(library, entry, ref, path)) break;
          const allowed = scope.allowed.get(library)!;
          const verdict = judge(entry, allowed.versions);
          if (!verdict) continue;
          // A behaviour change is worth a note only where the project says which versions it runs.
          if (verdict.level === 'note' && allowed.described === null) break;
          const built = buildFix(entry, resolved, parsed.path, text, allowed, refs);
          const fix = built && embedded ? { ...built, edits: built.edits.map((edit) => ({ ...edit, span: toFile(edit.span) })) } : built;
          const report = (uses: number) =>
            context.report({
              file: parsed.path,
              span: toFile(ref.span),
              message: message(library, entry, verdict, allowed, ref, text, uses),
              level: verdict.level,
              deprecated: verdict.level !== 'note',
              fixes: fix ? [fix] : [],
            });
          if (verdict.level === 'note') {
            const seen = notes.get(entry);
            if (seen) seen.uses++;
            else notes.set(entry, { uses: 1, emit: report });
          } else report(1);
          break;
        }
      }
      for (const note of notes.values()) note.emit(note.uses);
    }
  },
);
