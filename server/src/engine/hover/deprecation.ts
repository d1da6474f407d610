// Hover on a name in a .py file that a deprecation entry covers: its history, its replacement,
// how it fares on the versions this project allows, and the source.
import { deprecationLibraries } from '../kb/deprecations';
import type { KnowledgeBase } from '../kb/types';
import type { PyReference, Span } from '../model';
import type { Project } from '../project';
import { governingEnvironments } from '../layout';
import { allowedVersions, judge, matches, short } from '../rules/support/deprecations';

export function deprecationHover(project: Project, kb: KnowledgeBase, file: string, offset: number): { markdown: string; span: Span } | null {
  const python = project.parsed.get(file)?.python;
  if (!python) return null;
  const inside = (span: Span) => span.start <= offset && offset <= span.end;
  // The narrowest reference under the cursor: `np.float` rather than the call around it.
  const candidates = python.references().filter((r) => inside(r.kind === 'keyword' ? r.span : r.nameSpan) || inside(r.span));
  candidates.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start));
  for (const ref of candidates) {
    const hit = entryFor(kb, ref);
    if (!hit) continue;
    const { library, entry } = hit;
    const lib = library.library;
    const history = [
      entry.deprecated ? `deprecated in ${lib} ${short(entry.deprecated)}` : '',
      entry.removed ? `removed in ${short(entry.removed)}` : '',
      entry.restored ? `back with a new meaning from ${short(entry.restored)}` : '',
      entry.changed ? `behaves differently from ${lib} ${short(entry.changed)}` : '',
    ].filter(Boolean);
    const replacement = entry.replacement;
    const use =
      replacement.kind === 'manual'
        ? (replacement.hint ?? 'No replacement.')
        : replacement.to
          ? `Use \`${replacement.kind === 'keyword-renamed' ? `${replacement.to}=` : replacement.to}\`${replacement.since ? ` (${lib} ${short(replacement.since)}+)` : ''}.`
          : '';
    const allowed = allowedVersions(library, governingEnvironments(project, file), project.targetPython);
    const verdict = judge(entry, allowed.versions);
    const state = !verdict
      ? 'it still works'
      : verdict.level === 'error'
        ? '**removed**'
        : verdict.level === 'note'
          ? 'it has the new behaviour'
          : verdict.removedIn.length > 0
            ? `**missing in ${verdict.removedIn.map(short).join(', ')}**`
            : 'deprecated, still works';
    const versions = allowed.described ?? `${library.distribution} not pinned: the newest known ${lib} ${short(allowed.versions[0]!)} is assumed`;
    const call = entry.symbol.replace(/\(\)/g, '');
    const symbol =
      entry.kind === 'keyword'
        ? `${call}(${entry.keyword}=…)`
        : entry.kind === 'required-keyword'
          ? `${call}(…) without ${entry.keyword}=`
          : entry.kind === 'positional'
            ? `${call}(…) by position`
            : entry.symbol;
    return {
      span: ref.span,
      markdown: [
        `**\`${symbol}\`** (${lib}): ${history.join(', ')}.`,
        [use, entry.note ?? ''].filter(Boolean).join(' '),
        `In this project (${versions}): ${state}.`,
        `Source: [${entry.source}](${entry.source})`,
      ].filter(Boolean).join('\n\n'),
    };
  }
  return null;
}

function entryFor(kb: KnowledgeBase, ref: PyReference) {
  const root = ref.path.split(/[.(]/, 1)[0]!;
  for (const library of deprecationLibraries(kb)) {
    if (!library.modules.includes(root)) continue;
    const path = library.canonical(ref.path);
    const entry = library.entries.find((e) => matches(e, ref, path));
    if (entry) return { library, entry };
  }
  return null;
}
