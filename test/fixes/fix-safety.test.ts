// Fixes never lose data: over the real corpus and the example project, applying
// every fix a bulk fix may take (safe ones and, opted in, pin changes) changes only the
// fixed spans, is idempotent, keeps line endings, BOM and final newline, and leaves no
// finding with such a fix.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, applyEdits, bulkFix, defaultSettings, fixAll, safeEditsByFile, type SourceFile } from '../../server/src/engine';
import type { Grammars } from '../../server/src/engine/grammars';
import { loadGrammars } from '../../server/src/host/grammars';
import { kb, repoRoot } from '../support/analyze';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

/** Each project folder: a corpus entry, a snapshot of it, or the example project. */
function projects(): { name: string; files: SourceFile[] }[] {
  const out: { name: string; files: SourceFile[] }[] = [];
  const collect = (root: string, dir: string, files: SourceFile[]) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) {
        if (/^at-/.test(entry)) continue; // snapshots are projects of their own
        collect(root, full, files);
      } else files.push({ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  const add = (name: string, root: string) => {
    const files: SourceFile[] = [];
    collect(root, root, files);
    if (files.length > 0) out.push({ name, files });
    for (const entry of readdirSync(root)) if (/^at-/.test(entry)) add(`${name}/${entry}`, join(root, entry));
  };
  const corpus = join(repoRoot, '..', 'shared', 'corpus', 'real');
  try {
    for (const entry of readdirSync(corpus)) if (statSync(join(corpus, entry)).isDirectory()) add(entry, join(corpus, entry));
  } catch {
    // corpus not present outside the workspace: the example project still runs
  }
  add('examples/broken-ml-project', join(repoRoot, 'examples', 'broken-ml-project'));
  return out;
}

const variants: [string, (text: string) => string][] = [
  ['as is', (t) => t],
  ['CRLF', (t) => t.replace(/\r?\n/g, '\r\n')],
  ['BOM, no final newline', (t) => '\uFEFF' + t.replace(/\s+$/, '')],
];

const settings = defaultSettings();

describe.each(projects().map((p) => [p.name, p] as const))('fixes in %s', (_name, project) => {
  it.each(variants)('%s: only fixed spans change, fix-all is idempotent and complete', (_variant, transform) => {
    const files = project.files.map((f) => ({ path: f.path, text: transform(f.text) }));
    const before = analyze({ files, settings, kb, grammars });
    const edits = safeEditsByFile(before.findings, true);

    // One pass: outside the edited spans every character is the same.
    for (const [path, fileEdits] of edits) {
      const original = files.find((f) => f.path === path)!.text;
      const { text: fixed, skipped } = applyEdits(original, fileEdits);
      const applied = fileEdits.filter((e) => !skipped.includes(e)).sort((a, b) => a.span.start - b.span.start);
      let cursorOriginal = 0;
      let cursorFixed = 0;
      for (const edit of applied) {
        const kept = original.slice(cursorOriginal, edit.span.start);
        expect(fixed.slice(cursorFixed, cursorFixed + kept.length)).toBe(kept);
        cursorFixed += kept.length + edit.text.length;
        cursorOriginal = edit.span.end;
      }
      expect(fixed.slice(cursorFixed)).toBe(original.slice(cursorOriginal));
      expect(fixed.startsWith('\uFEFF')).toBe(original.startsWith('\uFEFF'));
      expect(/\n$/.test(fixed)).toBe(/\n$/.test(original));
      if (!/(^|[^\r])\n/.test(original)) expect(fixed).not.toMatch(/(^|[^\r])\n/); // CRLF files stay CRLF
    }

    // Fix-all until stable: applying it again changes nothing, and no such fix is left.
    const once = fixAll({ files, settings, kb, grammars }, true);
    const fixedFiles = files.map((f) => ({ path: f.path, text: once.changed.get(f.path) ?? f.text }));
    const twice = fixAll({ files: fixedFiles, settings, kb, grammars }, true);
    expect(twice.changed.size).toBe(0);
    const after = analyze({ files: fixedFiles, settings, kb, grammars });
    expect(after.findings.filter((f) => bulkFix(f, true)).map((f) => `${f.file}: ${f.message}`)).toEqual([]);
  });
});
