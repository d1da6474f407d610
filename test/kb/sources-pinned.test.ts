// Every source in rules/ must say next year what it says today: a tag or commit on GitHub, an issue
// or pull request, a release page, a versioned docs page or a release's PyPI page. Moving pages
// (/stable/, /latest/, a branch such as blob/main or tree/master, a repository's front page, a docs
// site built from main) are rejected in every rules/ file and in every rule page's Sources.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { documentKind, fieldMeanings } from '../../server/src/engine/kb/meaning';
import { yamlFiles } from '../../server/src/host/knowledge-base';
import { rules as allRules } from '../../server/src/engine/rules';
import { repoRoot } from '../support/analyze';

const rulesDir = join(repoRoot, 'rules');

/** Files whose links are still being pinned by their owners: none left (every rules/ file is covered). */
const notYetCovered: string[] = [];

/**
 * Files held to the permalink shapes below as well (the others: no moving page). torch.yaml and
 * variants.yaml also cite pages that have no versioned form (pytorch.org's previous-versions page,
 * the index directories themselves).
 */
const strict = new Set(['requires.yaml', 'python-support.yaml', 'numpy-abi.yaml', 'known-incompatible.yaml', 'python.yaml', 'knowledge.yaml', 'docker-images.yaml', 'conda.yaml']);

/** Pages that will say something else next year. */
const movingShapes = [
  /\/(stable|latest)\//,
  // A branch, not a tag or commit: blob/main, tree/master, raw.githubusercontent.com/…/main/.
  /^https:\/\/github\.com\/[^/]+\/[^/]+\/(blob|tree|raw|commits|edit)\/(main|master)(\/|#|$)/,
  /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/(main|master)\//,
  // A repository's front page (its README at HEAD) or its list of releases.
  /^https:\/\/github\.com\/[^/]+\/[^/#]+\/?(#.*)?$/,
  /^https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/?$/,
  // A docs site built from a branch (pytorch.org/audio/main/, numpy.org/devdocs/).
  /^https:\/\/(?!github\.com\/)[^/]+\/(?:[^?#]*\/)?(main|master|devdocs|nightly)\//,
  // TensorFlow's docs outside /versions/rX.Y/ describe the newest release (the tested-build table grows each release).
  /^https:\/\/(?:www\.)?tensorflow\.org\/(?!versions\/r\d+\.\d+\/)/,
];
const moving = { test: (url: string) => movingShapes.some((shape) => shape.test(url)) };

/** Shapes of a permalink, for the files this test covers. */
const permalink = [
  /^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull|discussions)\/\d+/,
  /^https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/tag\/[^/]+$/,
  /^https:\/\/github\.com\/[^/]+\/[^/]+\/commit\/[0-9a-f]{7,40}$/,
  /^https:\/\/github\.com\/[^/]+\/[^/]+\/(blob|tree)\/(?!main\/|master\/)[^/]+\/.+/,
  /^https:\/\/numpy\.org\/doc\/\d+\.\d+\//,
  /^https:\/\/docs\.scipy\.org\/doc\/scipy-\d+\.\d+\.\d+\//,
  /^https:\/\/numba\.readthedocs\.io\/en\/\d+\.\d+\.\d+\//,
  /^https:\/\/pandas\.pydata\.org\/pandas-docs\/version\/\d+\.\d+\.\d+\//,
  /^https:\/\/pytorch\.org\/audio\/\d+\.\d+\.\d+\//,
  /^https:\/\/pypi\.org\/project\/[^/]+\/[^/]+\/(#files)?$/,
  /^https:\/\/rocm\.docs\.amd\.com\/(?:projects\/[^/]+\/)?en\/docs-\d+\.\d+(?:\.\d+)?\//,
];


/** Every URL-valued field of a rules/ file (as classified by the build's meaning check), with its line. */
function links(file: string): { url: string; line: number }[] {
  const text = readFileSync(file, 'utf8');
  const key = relative(rulesDir, file).replace(/\\/g, '/').replace(/\.yaml$/, '');
  const table = fieldMeanings[documentKind(key)] ?? {};
  const urlPatterns = Object.entries(table)
    .filter(([, meaning]) => meaning === 'url')
    .map(([pattern]) => pattern.split('/'));
  const out: { url: string; line: number }[] = [];
  const walk = (node: Node | null, path: string[]) => {
    if (isMap(node)) for (const pair of node.items) walk(pair.value as Node | null, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)]);
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node | null, [...path, String(i)]));
    else if (isScalar(node) && typeof node.value === 'string') {
      const isUrl = urlPatterns.some((parts) => parts.length === path.length && parts.every((p, i) => p === '*' || p === path[i]));
      if (isUrl) out.push({ url: node.value, line: text.slice(0, node.range?.[0] ?? 0).split('\n').length });
    }
  };
  walk(parseDocument(text).contents as Node | null, []);
  return out;
}

const covered = yamlFiles(rulesDir).filter((f) => {
  const rel = relative(rulesDir, f).replace(/\\/g, '/');
  return !notYetCovered.some((n) => (n.endsWith('/') ? rel.startsWith(n) : rel === n));
});

describe('pinned sources', () => {
  it('covers the knowledge base files it should', () => {
    const names = covered.map((f) => relative(rulesDir, f).replace(/\\/g, '/'));
    expect(names).toEqual(expect.arrayContaining(['requires.yaml', 'python-support.yaml', 'numpy-abi.yaml', 'known-incompatible.yaml', 'python.yaml', 'torch.yaml', 'variants.yaml']));
  });

  for (const file of covered) {
    const rel = relative(rulesDir, file).replace(/\\/g, '/');
    it(`rules/${rel}: no moving page${strict.has(rel) ? ', every source a permalink' : ''}`, () => {
      const found = links(file);
      // A file whose kind has URL fields must have some (knowledge.yaml has none).
      if (Object.values(fieldMeanings[documentKind(rel.replace(/\.yaml$/, ''))] ?? {}).includes('url')) expect(found.length).toBeGreaterThan(0);
      const bad = found.filter(({ url }) => (moving.test(url) || (strict.has(rel) && !permalink.some((p) => p.test(url)))));
      expect(bad.map(({ url, line }) => `rules/${rel}:${line} ${url}`)).toEqual([]);
    });
  }

  it("rule pages: every link of a rule's Sources is no moving page", () => {
    const bad: string[] = [];
    let seen = 0;
    for (const rule of allRules) {
      const sources = /## Sources\n([\s\S]*?)(?:\n## |$)/.exec(rule.meta.docs)?.[1] ?? '';
      for (const url of sources.match(/https:\/\/[^\s)>`]+/g) ?? []) {
        seen++;
        if (moving.test(url)) bad.push(`${rule.meta.id}: ${url}`);
      }
    }
    expect(seen).toBeGreaterThan(20);
    expect(bad).toEqual([]);
  });

  it('rejects the moving shapes and accepts the pinned ones', () => {
    const accepts = (url: string) => !moving.test(url) && permalink.some((p) => p.test(url));
    for (const url of [
      'https://numpy.org/doc/stable/release/2.0.2-notes.html',
      'https://numba.readthedocs.io/en/latest/release/0.63.0-notes.html',
      'https://github.com/pytorch/pytorch/blob/main/RELEASE.md',
      'https://github.com/astral-sh/uv/blob/master/crates/uv-torch/src/backend.rs',
      'https://github.com/pytorch/vision#installation',
      'https://pytorch.org/audio/main/installation.html',
      'https://pandas.pydata.org/docs/whatsnew/v2.2.3.html',
      'https://github.com/pytorch/pytorch/tree/main/.ci',
      'https://raw.githubusercontent.com/pytorch/pytorch/master/RELEASE.md',
      'https://github.com/scikit-learn/scikit-learn/releases',
      'https://docs.pytorch.org/vision/main/models.html',
      'https://numpy.org/devdocs/release/2.5.0-notes.html',
      // TensorFlow's tested-build table: it moves with every release.
      'https://www.tensorflow.org/install/source#tested_build_configurations',
    ]) {
      expect(accepts(url), url).toBe(false);
    }
    for (const url of [
      'https://github.com/numpy/numpy/blob/v2.0.2/doc/source/release/2.0.2-notes.rst',
      'https://github.com/python/peps/blob/560dadb3356d0dde0254995829aa811b8c3564be/peps/pep-0790.rst',
      'https://github.com/numpy/numpy/releases/tag/v2.4.6',
      'https://pypi.org/project/torch/2.5.1/',
      'https://github.com/tensorflow/tensorflow/releases/tag/v2.14.0',
      'https://github.com/scipy/scipy/blob/7b4a8e7e719454f676a660958d69d4bc20f37c23/doc/source/dev/toolchain.rst',
      'https://github.com/pypa/packaging.python.org/commit/91b8d6f1d0af57bf55f11544204805604d04322c',
    ]) {
      expect(accepts(url), url).toBe(true);
    }
  });
});
