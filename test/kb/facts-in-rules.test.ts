// Facts the engine used to hard-code now come from rules/: the PyTorch index layout (torch.yaml's
// `indexes:`), the CPython minors (python.yaml) and NumPy's 1.x cap (numpy-abi.yaml). Each test runs
// the engine on a copy of the knowledge base with the fact changed and sees the behaviour follow it.
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings, type Settings } from '../../server/src/engine';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import { grammars, kb } from '../support/analyze';

function withDocument(key: string, change: (doc: Record<string, unknown>) => void): KnowledgeBase {
  const documents = JSON.parse(JSON.stringify(kb.documents)) as Record<string, Record<string, unknown>>;
  change(documents[key]!);
  return { documents };
}

function run(knowledge: KnowledgeBase, files: Record<string, string>, settings: Partial<Settings>) {
  const input = Object.entries(files).map(([path, text]) => ({ path, text }));
  return analyze({ files: input, settings: defaultSettings(settings), kb: knowledge, grammars }).findings.map((f) => ({
    rule: f.ruleId,
    text: files[f.file]!.slice(f.span.start, f.span.end),
    message: f.message,
    fixes: f.fixes,
  }));
}

describe('the PyTorch index layout comes from rules/torch.yaml', () => {
  const files = { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm5.7.1\n--extra-index-url https://mirror.example.org/pt/wheels/cu999\n' };
  const select = { select: ['unknown-wheel-variant'] };

  it('judges the host and path the data names', () => {
    expect(run(kb, files, select).map((f) => f.text)).toEqual(['rocm5.7.1']);
  });

  it('follows a changed host and path (and stops judging the old one)', () => {
    const moved = withDocument('torch', (doc) => {
      const indexes = doc['indexes'] as Record<string, unknown>;
      indexes['host'] = 'mirror.example.org';
      indexes['stable'] = 'https://mirror.example.org/pt/wheels/{variant}';
      indexes['nightly'] = 'https://mirror.example.org/pt/wheels/nightly/{variant}';
      indexes['legacyFindLinks'] = [];
    });
    expect(run(moved, files, select).map((f) => f.text)).toEqual(['cu999']);
  });

  it('reads the find-links page names from the data', () => {
    const legacy = { 'requirements.txt': '-f https://download.pytorch.org/whl/torch_stable.html\ntorch==2.0.1+cu118\n' };
    expect(run(kb, legacy, { select: ['index-variant-mismatch'] })).toEqual([]);
    const renamed = withDocument('torch', (doc) => {
      const indexes = doc['indexes'] as { legacyFindLinks: { url: string }[] };
      for (const page of indexes.legacyFindLinks) page.url = page.url.replace('torch_stable.html', 'all.html');
    });
    // `torch_stable.html` is no page of the (changed) data: the URL is read as no PyTorch index at all.
    expect(run(renamed, legacy, { select: ['unknown-wheel-variant'] })).toEqual([]);
    expect(run(renamed, { 'requirements.txt': '-f https://download.pytorch.org/whl/all.html\ntorch==2.0.1+cu118\n' }, { select: ['index-variant-mismatch'] })).toEqual([]);
  });

  it('judges no index without a torch document', () => {
    const none: KnowledgeBase = { documents: { ...kb.documents, torch: undefined } };
    expect(run(none, files, select)).toEqual([]);
  });
});

describe('the CPython minors come from rules/python.yaml', () => {
  // torch 2.5.1 declares triton only below Python 3.13: with no Python fixed, the pins conflict on 3.12.
  const files = { 'requirements.txt': 'torch==2.5.1\ntriton==3.0.0 ; python_version >= "3.12"\n' };
  const select = { select: ['requirement-conflict'] };

  it('decides marker questions over the listed minors', () => {
    expect(run(kb, files, select)).toHaveLength(1);
    const only313 = withDocument('python', (doc) => {
      doc['minors'] = [{ version: '3.13', source: 'https://example.org/' }, { version: '3.14', source: 'https://example.org/' }];
    });
    expect(run(only313, files, select)).toEqual([]);
  });
});

describe("NumPy's 1.x cap comes from rules/numpy-abi.yaml", () => {
  const files = { 'requirements.txt': 'torch==2.2.0\nnumpy>=1.24.0\n' };
  const select = { select: ['numpy-abi-mismatch'] };

  it('offers the cap the data names', () => {
    expect(run(kb, files, select)[0]!.fixes[0]).toMatchObject({ title: 'Cap NumPy below 2 (append <2)', edits: [{ text: ',<2' }] });
    const capped = withDocument('numpy-abi', (doc) => {
      doc['numpy1Cap'] = '<2.0.0';
    });
    expect(run(capped, files, select)[0]!.fixes[0]).toMatchObject({ title: 'Cap NumPy below 2 (append <2.0.0)', edits: [{ text: ',<2.0.0' }] });
  });
});
