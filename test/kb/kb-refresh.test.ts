// `npm run kb:refresh`, offline: saved PEP 503 / PEP 691 / PyPI JSON pages in, refreshed rules/ text out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkDocumentMeaning } from '../../server/src/engine/kb/meaning';
import type { Fetcher } from '../../scripts/kb-refresh/http';
import { dependencyOn, parsePypiRelease } from '../../scripts/kb-refresh/pypi';
import { refreshKnowledgeBase } from '../../scripts/kb-refresh/refresh';
import { parseSimpleHtml, parseSimpleJson } from '../../scripts/kb-refresh/simple-index';
import { parseWheelFilename } from '../../scripts/kb-refresh/wheels';
import { repoRoot } from '../support/analyze';

const fixtures = join(repoRoot, 'test/fixtures/kb-refresh');
const routes = JSON.parse(readFileSync(join(fixtures, 'routes.json'), 'utf8')) as Record<string, { file: string; contentType: string }>;
const page = (name: string) => readFileSync(join(fixtures, 'pages', name), 'utf8');
const rules = (name: string) => readFileSync(join(fixtures, 'rules', `${name}.yaml`), 'utf8');

/** Serves the saved pages; every other URL is a 404, as on the real hosts. */
function savedPages(requested: string[] = []): Fetcher {
  return async (url) => {
    requested.push(url);
    const route = routes[url];
    if (!route) return { status: 404, contentType: 'text/html', body: '' };
    return { status: 200, contentType: route.contentType, body: readFileSync(join(fixtures, route.file), 'utf8') };
  };
}

async function refreshFixtures(requested: string[] = []) {
  return refreshKnowledgeBase({ files: { torch: rules('torch'), 'python-support': rules('python-support'), requires: rules('requires') }, fetch: savedPages(requested) });
}

describe('wheel file names', () => {
  it('reads version, local tag and CPython tags, free-threaded builds apart', () => {
    expect(parseWheelFilename('torch-2.10.0%2Bcu130-cp314-cp314t-manylinux_2_28_x86_64.whl')).toEqual({
      name: 'torch',
      version: '2.10.0',
      local: 'cu130',
      cpython: [],
      freeThreaded: ['3.14'],
      prerelease: false,
    });
    expect(parseWheelFilename('torch-2.10.0-cp310-none-macosx_11_0_arm64.whl')).toMatchObject({ local: null, cpython: ['3.10'] });
    expect(parseWheelFilename('numpy-2.4.1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl')).toMatchObject({ cpython: ['3.11'] });
    expect(parseWheelFilename('torch-2.11.0.dev20251201+cpu-cp312-cp312-linux_x86_64.whl')?.prerelease).toBe(true);
    expect(parseWheelFilename('numpy-2.3.2.tar.gz')).toBeNull();
    expect(parseWheelFilename('not-a-wheel.whl')).toBeNull();
  });
});

describe('simple pages', () => {
  it('reads PEP 503 HTML and PEP 691 JSON pages alike', () => {
    const html = parseSimpleHtml(page('root-torch.html'));
    const json = parseSimpleJson(page('cpu-torch.json'));
    expect(html[0]).toEqual({ filename: 'torch-2.9.1+cpu-cp310-cp310-manylinux_2_28_x86_64.whl', requiresPython: '>=3.10', yanked: false });
    expect(json[0]).toEqual({ filename: 'torch-2.9.1+cpu-cp310-cp310-manylinux_2_28_x86_64.whl', requiresPython: '>=3.10', yanked: false });
    expect(json.map((f) => f.filename)).toEqual(expect.arrayContaining(html.filter((f) => f.filename.includes('+cpu')).map((f) => f.filename)));
    expect(parseSimpleHtml('<a href="/x/pkg-1.0-py3-none-any.whl#sha256=00" data-yanked="">pkg-1.0-py3-none-any.whl</a>')[0]!.yanked).toBe(true);
    expect(() => parseSimpleJson('{"files": []}')).toThrow(/PEP 691/);
  });

  it("reads a release's Requires-Dist outside extras", () => {
    const release = parsePypiRelease(page('pypi-torchvision-0.25.0.json'));
    expect(dependencyOn(release, 'torch')).toEqual([{ name: 'torch', specifier: '==2.10.0', marker: null }]);
    expect(dependencyOn(release, 'scipy')).toEqual([]);
    expect(dependencyOn(parsePypiRelease(page('pypi-transformers-4.56.1.json')), 'huggingface_hub')[0]!.specifier).toBe('>=0.34.0,<1.0');
  });
});

describe('kb:refresh on saved pages', () => {
  it('adds the new torch release row, paired through PyPI metadata, in version order', async () => {
    const result = await refreshFixtures();
    const torch = parseYaml(result.changed['torch']!) as { releases: Record<string, unknown>[]; variantIndexes: { names: string[] }[] };
    expect(torch.releases.map((r) => r['torch'])).toEqual(['2.9.1', '2.10.0']);
    expect(torch.releases[1]).toEqual({
      torch: '2.10.0',
      torchvision: '0.25.0',
      torchaudio: '2.10.0',
      python: { min: '3.10', max: '3.14' },
      variants: ['cpu', 'cu126', 'cu128', 'cu130', 'rocm6.4'],
      source: 'https://pypi.org/project/torch/2.10.0/',
      pythonSource: 'https://pypi.org/project/torch/2.10.0/',
      variantSource: 'https://download.pytorch.org/whl/torch/',
    });
  });

  it('adds variants to known rows and new variant indexes, never removing or rewriting', async () => {
    const result = await refreshFixtures();
    const before = rules('torch');
    const after = result.changed['torch']!;
    expect(after).toContain('    variants: [cpu, cu126, cu128, rocm6.4]\n');
    expect(after).toContain('  - names: [cu130]\n    source: https://download.pytorch.org/whl/cu130/torch/\n');
    expect(after).toContain('  - names: [rocm6.4]\n');
    // Every line written by hand is still there, comments and sources included.
    for (const line of before.split('\n').filter((l) => !l.includes('variants: ['))) expect(after.split('\n')).toContain(line);
    expect(result.added).toContain('torch.yaml: torch 2.9.1 +cu128');
  });

  it('adds the new NumPy line with the Pythons every release in it has wheels for, skipping pre-releases', async () => {
    const result = await refreshFixtures();
    const text = result.changed['python-support']!;
    expect(text).toContain('    # NumPy release notes (hand-written comment, kept).\n');
    expect(text.split('\n').slice(-2)).toEqual([
      '      - { versions: ">=2.4.0,<2.5", python: { min: "3.11", max: "3.14" }, source: "https://pypi.org/project/numpy/2.4.1/#files" }',
      '',
    ]);
    expect(text).not.toContain('>=2.5');
  });

  it("adds the newest release's declared requirement and lists disagreements for review", async () => {
    const result = await refreshFixtures();
    const requires = parseYaml(result.changed['requires']!) as { requirements: Record<string, string>[] };
    expect(requires.requirements.map((r) => `${r['package']} ${r['versions']} ${r['requires']}${r['specifier']}`)).toEqual([
      'transformers ==4.56.1 huggingface-hub>=0.34.0,<1.0',
      'transformers ==4.57.0 huggingface-hub>=0.34.0,<2.0',
      'gradio ==4.17.0 gradio-client==0.9.0',
    ]);
    expect(result.review).toContain('requires gradio 4.17.0: its Requires-Dist says gradio-client==0.8.1, the data says gradio-client==0.9.0.');
  });

  it('writes only text the build accepts', async () => {
    const result = await refreshFixtures();
    for (const [name, text] of Object.entries(result.changed)) expect(checkDocumentMeaning(name, text), name).toEqual([]);
  });

  it('reads every variant index of torch, torchvision and torchaudio, and only download.pytorch.org and PyPI', async () => {
    const requested: string[] = [];
    await refreshFixtures(requested);
    for (const variant of ['cpu', 'cu126', 'cu128', 'cu130', 'rocm6.4']) {
      for (const pkg of ['torch', 'torchvision', 'torchaudio']) expect(requested).toContain(`https://download.pytorch.org/whl/${variant}/${pkg}/`);
    }
    expect(requested.every((url) => url.startsWith('https://download.pytorch.org/whl/') || url.startsWith('https://pypi.org/pypi/'))).toBe(true);
  });

  it('changes nothing when the data is current', async () => {
    const first = await refreshFixtures();
    const again = await refreshKnowledgeBase({
      files: { torch: first.changed['torch']!, 'python-support': first.changed['python-support']!, requires: first.changed['requires']! },
      fetch: savedPages(),
    });
    expect(again.changed).toEqual({});
    expect(again.added).toEqual([]);
  });
});
