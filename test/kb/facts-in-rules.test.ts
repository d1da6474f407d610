// Facts the engine used to hard-code now come from rules/: the PyTorch index layout (torch.yaml's
// `indexes:`), PyTorch's variant naming (`variantNames:`), PyPI's index URLs, the CPython minors
// (python.yaml) and NumPy's 1.x cap (numpy-abi.yaml). Each test runs the engine on a copy of the
// knowledge base with the fact changed and sees the behaviour follow it; a scan of the engine's
// literals keeps new facts of these shapes out of TypeScript.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings, type Settings } from '../../server/src/engine';
import { imageCatalog } from '../../server/src/engine/kb/docker-images';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import { grammars, kb, repoRoot } from '../support/analyze';

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

describe("PyTorch's variant naming comes from rules/torch.yaml", () => {
  type Naming = { family: string; pattern: string; name?: string };
  const namings = (doc: Record<string, unknown>) => (doc['variantNames'] as { families: Naming[] }).families;
  const tagged = { 'requirements.txt': 'torch==2.5.1+cu121\n' };
  const select = { select: ['index-variant-mismatch'] };

  it('reads a tag as a CUDA build by the pattern the data names', () => {
    expect(run(kb, tagged, select).map((f) => f.text)).toEqual(['cu121']);
    // A CUDA pattern that no longer reads `cu121`: the tag belongs to no family and is left alone.
    const renamed = withDocument('torch', (doc) => {
      for (const n of namings(doc)) if (n.family === 'cuda') n.pattern = '^cuda(?<major>[0-9]{1,2})(?<minor>[0-9])$';
    });
    expect(run(renamed, tagged, select)).toEqual([]);
  });

  it('orders variants by the version parts the pattern names (the nearest ROCm index)', () => {
    const files = { 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm5.7.1\n' };
    const fix = (knowledge: KnowledgeBase) => run(knowledge, files, { select: ['unknown-wheel-variant'] })[0]?.fixes[0]?.title;
    expect(fix(kb)).toBe('Use the rocm5.7 index');
    // Without a `minor` group every ROCm variant of major 5 looks alike: the nearest is another one.
    const coarse = withDocument('torch', (doc) => {
      for (const n of namings(doc)) if (n.family === 'rocm') n.pattern = '^rocm(?<major>[0-9]+)(?:\\.[0-9]+){1,2}$';
    });
    expect(fix(coarse)).not.toBe('Use the rocm5.7 index');
  });

  it("names a Docker image's CUDA build by the data's template", () => {
    const image = 'nvidia/cuda:12.1.0-runtime-ubuntu22.04';
    expect(imageCatalog(kb)!.contentsOf(image)?.accelerator?.variant).toBe('cu121');
    const other = withDocument('torch', (doc) => {
      for (const n of namings(doc)) if (n.family === 'cuda') n.name = 'cu{major}';
    });
    // The template now writes `cu12`, an index PyTorch never served: the image names no variant.
    expect(imageCatalog(other)!.contentsOf(image)?.accelerator?.variant).toBeNull();
  });
});

describe("PyPI's index URLs come from rules/torch.yaml", () => {
  const files = { 'requirements.txt': '--index-url https://pypi.org/simple/\ntorch==2.5.1+cu121\n' };
  const select = { select: ['index-variant-mismatch'] };

  it('says PyPI serves no tagged wheel, for the URLs the data lists', () => {
    expect(run(kb, files, select).map((f) => f.text)).toEqual(['cu121']);
    expect(run(kb, { 'requirements.txt': files['requirements.txt'].replace('https://pypi.org', 'HTTPS://PyPI.python.org') }, select)).toHaveLength(1);
    // A URL the data does not list is taken for a mirror, which may serve the tag.
    const none = withDocument('torch', (doc) => {
      (doc['indexes'] as { pypi: { url: string }[] }).pypi = [{ url: 'https://pypi.example.org/simple' }] as never;
    });
    expect(run(none, files, select)).toEqual([]);
  });
});

describe('no fact-shaped literal in the engine or the CLI', () => {
  // The folders scanned, under server/src: the engine decides, the CLI asks and prints.
  const scanned = ['engine', 'cli'];
  // Literals that look like facts but are not: each with why. Everything else of these shapes belongs in rules/.
  const allowed: { file: string; text: RegExp; why: string }[] = [
    { file: 'engine/layout.ts', text: /^\^\(\?:cpu\|cuda/, why: 'words users put in file names (requirements-cu121.txt) to tell deployments apart: a naming habit, not a PyTorch fact' },
    { file: 'engine/rules/index.ts', text: /^https:\/\/github\.com\/pinwise-dev\/pinwise\//, why: "Pinwise's own rule pages" },
    { file: 'cli/format-sarif.ts', text: /^(https:\/\/json\.schemastore\.org\/sarif-2\.1\.0\.json|2\.1\.0)$/, why: 'the SARIF format the output is written in (its schema and version), not a fact about a package' },
    { file: 'cli/format-sarif.ts', text: /^https:\/\/github\.com\/pinwise-dev\/pinwise$/, why: "Pinwise's own home page" },
  ];
  const shapes: { name: string; re: RegExp }[] = [
    { name: 'a host', re: /\b[a-z0-9-]+\.(?:org|com|io|net|ai)\b/i },
    { name: 'a pinned package', re: /\b[a-z][a-z0-9._-]*\s*(?:===|==|~=|!=|>=|<=|<|>)\s*\d+(?:\.\d+)*/i },
    { name: 'a variant name or grammar', re: /\bcu\\d|\bcu\d{2,3}\b|\brocm\\d|\brocm\d/ },
    { name: 'a bare version', re: /^\d+\.\d+(?:\.\d+)?$/ },
  ];

  it('finds hosts, pinned packages, variant grammars and versions only in rule docs (or allowed on purpose)', () => {
    const src = join(repoRoot, 'server', 'src');
    const found: string[] = [];
    for (const file of scanned.flatMap((dir) => tsFiles(join(src, dir)))) {
      const rel = relative(src, file).replace(/\\/g, '/');
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        // A rule's docs and summary are prose for the reader (they cite their sources); they decide nothing.
        if (ts.isPropertyAssignment(node) && ['docs', 'summary'].includes(node.name.getText(source))) return;
        const text =
          ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node) || ts.isRegularExpressionLiteral(node)
            ? ts.isRegularExpressionLiteral(node) ? node.text.slice(1, node.text.lastIndexOf('/')) : node.text
            : null;
        if (text !== null) {
          const shape = shapes.find((s) => s.re.test(text));
          if (shape && !allowed.some((a) => a.file === rel && a.text.test(text))) {
            found.push(`server/src/${rel}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} ${shape.name}: ${text.slice(0, 80)}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });

  it('would find each shape (the scan can fail)', () => {
    for (const sample of ['download.pytorch.org', 'numpy<2', '^cu\\d{2,3}$', 'rocm6.2', '2.4.1']) expect(shapes.some((s) => s.re.test(sample)), sample).toBe(true);
    for (const sample of ['tool.uv.dev-dependencies', 'requirements.txt', 'torch']) expect(shapes.some((s) => s.re.test(sample)), sample).toBe(false);
  });
});

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    // generated/ holds types generated from the schemas: no values.
    if (statSync(full).isDirectory()) return entry === 'generated' ? [] : tsFiles(full);
    return entry.endsWith('.ts') ? [full] : [];
  });
}
