// The parse cache the language server keeps between analyses: an edit re-parses only the
// edited file, and the findings are exactly those of an analysis without the cache.
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings, fixAll, type AnalysisInput } from '../../server/src/engine';
import type { ParseCache } from '../../server/src/engine/project';
import { grammars, kb } from '../support/analyze';

const base = 'numpy==1.26.4\n';
const requirements = '-r base.txt\n--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.2+cu121\ntorchvision==0.16.2+cu121\n';
const script = '#!/bin/sh\npip install torch==2.1.2 torchvision==0.17.0\n';

function input(files: Record<string, string>, parseCache?: ParseCache, withGrammars = true): AnalysisInput {
  return {
    files: Object.entries(files).map(([path, text]) => ({ path, text })),
    settings: defaultSettings(),
    kb,
    grammars: withGrammars ? grammars : undefined,
    parseCache,
  };
}

const summary = (files: Record<string, string>, cache?: ParseCache, withGrammars = true) =>
  analyze(input(files, cache, withGrammars)).findings.map((f) => `${f.file}:${f.span.start}-${f.span.end} ${f.ruleId} ${f.message}`);

describe('parse cache', () => {
  it('reuses the parse of every unchanged file and re-parses the edited one', () => {
    const cache: ParseCache = new Map();
    const files = { 'requirements.txt': requirements, 'base.txt': base, 'install.sh': script };
    const first = analyze(input(files, cache));
    expect([...cache.keys()].sort()).toEqual(['base.txt', 'install.sh', 'requirements.txt']);

    const edited = { ...files, 'requirements.txt': requirements.replace('torchvision==0.16.2', 'torchvision==0.16.1') };
    const second = analyze(input(edited, cache));
    expect(second.project.parsed.get('base.txt')).toBe(first.project.parsed.get('base.txt'));
    expect(second.project.parsed.get('install.sh')).toBe(first.project.parsed.get('install.sh'));
    expect(second.project.parsed.get('requirements.txt')).not.toBe(first.project.parsed.get('requirements.txt'));
    expect(cache.get('requirements.txt')!.text).toBe(edited['requirements.txt']);
  });

  it('gives the findings of an analysis without it, edit after edit', () => {
    const cache: ParseCache = new Map();
    const steps: Record<string, string>[] = [
      { 'requirements.txt': requirements, 'base.txt': base },
      { 'requirements.txt': requirements.replace('torchvision==0.16.2+cu121', 'torchvision==0.17.0+cu118'), 'base.txt': base },
      { 'requirements.txt': requirements.replace('torchvision==0.16.2+cu121', 'torchvision==0.17.0+cu118'), 'base.txt': 'numpy==2.0.0\nnumpy==1.26.4\n' },
      { 'requirements.txt': requirements, 'base.txt': base },
      { 'requirements.txt': 'torch==2.1.2\n', 'base.txt': base },
    ];
    const withCache = steps.map((files) => summary(files, cache));
    const without = steps.map((files) => summary(files));
    expect(withCache).toEqual(without);
    expect(withCache[1]).not.toEqual(withCache[0]); // the steps do change the findings
    expect(withCache[0]).toEqual(withCache[3]);
  });

  it('does not reuse a parse made without the grammars once they are there', () => {
    const cache: ParseCache = new Map();
    const files = { 'install.sh': script };
    expect(summary(files, cache, false)).toEqual([]); // without grammars a script reads as empty
    const found = summary(files, cache, true);
    expect(found.some((line) => line.includes('torch-family-mismatch'))).toBe(true);
    expect(found).toEqual(summary(files));
  });

  it('parses a file reached through an include as a requirements file', () => {
    const cache: ParseCache = new Map();
    // `extra.txt` alone is not a dependency file; included with -r it is parsed as one.
    expect(summary({ 'extra.txt': 'torchvision==0.17.0\n' }, cache)).toEqual([]);
    const found = summary({ 'requirements.txt': '-r extra.txt\ntorch==2.1.2\n', 'extra.txt': 'torchvision==0.17.0\n' }, cache);
    expect(found).toEqual(summary({ 'requirements.txt': '-r extra.txt\ntorch==2.1.2\n', 'extra.txt': 'torchvision==0.17.0\n' }));
    expect(found.some((line) => line.includes('torch-family-mismatch'))).toBe(true);
  });

  it('fix-all through a copy of the cache gives the same text as without it', () => {
    const cache: ParseCache = new Map();
    const files = { 'requirements.txt': requirements.replace('torchvision==0.16.2+cu121', 'torchvision==0.16.2+cu118'), 'base.txt': base };
    analyze(input(files, cache));
    const cached = fixAll(input(files, new Map(cache)), true).changed;
    expect(cached).toEqual(fixAll(input(files), true).changed);
    expect(cached.size).toBeGreaterThan(0);
  });
});
