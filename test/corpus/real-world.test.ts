// Runs the whole engine over the real dependency files of ../shared/corpus/real (one project per
// repository snapshot) and checks the environment-conflict findings verified by hand.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings } from '../../server/src/engine';
import { kb, repoRoot } from '../support/analyze';

const corpus = join(repoRoot, '..', 'shared', 'corpus', 'real');
const present = existsSync(corpus);

/** Files of one snapshot: `a__b__c.txt` stands for `a/b/c.txt`. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory() || name === 'MANIFEST.tsv') continue;
    files[name.replace(/__/g, '/')] = readFileSync(full, 'utf8');
  }
  return files;
}

/** Every snapshot: `<repo>` (files at its top) and `<repo>/at-<commit>`. */
function snapshots(): [string, Record<string, string>][] {
  if (!present) return [];
  const out: [string, Record<string, string>][] = [];
  for (const repo of readdirSync(corpus).sort()) {
    const dir = join(corpus, repo);
    if (!statSync(dir).isDirectory()) continue;
    const top = snapshot(dir);
    if (Object.keys(top).length > 0) out.push([repo, top]);
    for (const sub of readdirSync(dir).sort()) {
      if (statSync(join(dir, sub)).isDirectory()) out.push([`${repo}/${sub}`, snapshot(join(dir, sub))]);
    }
  }
  return out;
}

const mine = ['distribution-conflict', 'numpy-abi-mismatch', 'python-version-unsupported', 'requirement-conflict', 'known-incompatible'];

function findings(name: string) {
  const files = Object.fromEntries(snapshots())[name];
  if (!files) throw new Error(`no snapshot ${name}`);
  const result = analyze({ files: Object.entries(files).map(([path, text]) => ({ path, text })), settings: defaultSettings({ select: mine }), kb });
  return result.findings.map((f) => ({ rule: f.ruleId, file: f.file, text: files[f.file]!.slice(f.span.start, f.span.end), message: f.message, fixes: f.fixes }));
}

describe.skipIf(!present)('real-world corpus', () => {
  it.each(snapshots())('%s: analyses without an internal error, spans inside the text', (_name, files) => {
    const result = analyze({ files: Object.entries(files).map(([path, text]) => ({ path, text })), settings: defaultSettings({ python: '3.12' }), kb });
    expect(result.internalErrors).toEqual([]);
    for (const finding of result.findings) {
      const text = files[finding.file];
      expect(text, finding.file).toBeDefined();
      expect(finding.span.start).toBeGreaterThanOrEqual(0);
      expect(finding.span.end).toBeLessThanOrEqual(text!.length);
      expect(finding.span.start).toBeLessThanOrEqual(finding.span.end);
    }
  });

  it('Deep-Live-Cam: opencv-python beside opencv-python-headless; marker-split onnxruntime builds are fine', () => {
    const got = findings('hacksider__Deep-Live-Cam');
    expect(got.map((f) => [f.rule, f.text])).toEqual([['distribution-conflict', 'opencv-python-headless==4.14.0.94']]);
    expect(got[0]!.message).toBe(
      "`opencv-python-headless` and `opencv-python` both install the import package `cv2` into requirements.txt; whichever pip installs last overwrites the other's files. Keep only one.",
    );
  });

  it('roop at 946e5f3: numpy==1.24.3 and protobuf==3.20.2 with tensorflow==2.12.0 cannot resolve', () => {
    expect(findings('s0md3v__roop/at-946e5f3').map((f) => [f.rule, f.text, f.message])).toEqual([
      [
        'requirement-conflict',
        'numpy==1.24.3',
        '`numpy==1.24.3` conflicts with `tensorflow==2.12.0`, which requires `numpy>=1.22,<1.24`; pip cannot install both and stops with ResolutionImpossible.',
      ],
      [
        'requirement-conflict',
        'protobuf==3.20.2',
        '`protobuf==3.20.2` conflicts with `tensorflow==2.12.0`, which requires `protobuf>=3.20.3,<5.0.0dev,!=4.21.0,!=4.21.1,!=4.21.2,!=4.21.3,!=4.21.4,!=4.21.5`; pip cannot install both and stops with ResolutionImpossible.',
      ],
    ]);
  });

  it('GFPGAN: basicsr>=1.4.2 beside an unpinned torchvision, which pip installs at 0.17 or later', () => {
    expect(findings('TencentARC__GFPGAN').map((f) => [f.rule, f.text])).toEqual([['known-incompatible', 'basicsr>=1.4.2']]);
  });

  it('InvokeAI at 19cdd5a: diffusers~=0.18.1 with an open huggingface-hub>=0.11.1 gets a hub without cached_download', () => {
    const got = findings('invoke-ai__InvokeAI/at-19cdd5a').filter((f) => f.rule === 'known-incompatible');
    expect(got.map((f) => [f.file, f.text])).toEqual([['pyproject.toml', 'diffusers[torch]~=0.18.1']]);
    expect(got[0]!.message).toMatch(/^`diffusers\[torch\]~=0\.18\.1` breaks with `huggingface-hub>=0\.11\.1`: diffusers before 0\.29 imports `cached_download`/);
  });

  it.each([
    ['bmaltais__kohya_ss', 'torch==2.5.0+cu124 with xformers==0.0.28.post2 (built for torch 2.5.0)'],
    ['hacksider__Deep-Live-Cam/at-f3adfd1', 'tensorflow==2.12.1 with numpy>=1.23.5,<2'],
    ['Stability-AI__generative-models', 'triton==2.0.0 beside an open torch>=2.0.1'],
  ])('%s: no requirement conflict (%s)', (name) => {
    expect(findings(name).filter((f) => f.rule === 'requirement-conflict')).toEqual([]);
  });

  it('Deep-Live-Cam at eb6ec77: unpinned numpy beside torch 2.0.1, tensorflow 2.12 and opencv 4.8 gets NumPy 2', () => {
    const got = findings('hacksider__Deep-Live-Cam/at-eb6ec77');
    expect(got.map((f) => [f.rule, f.text])).toEqual([['numpy-abi-mismatch', 'numpy']]);
    expect(got[0]!.message).toBe(
      '`numpy` (no version bound) lets pip install NumPy 2, but `torch==2.0.1+cu118`, `torch==2.0.1`, `onnxruntime==1.15.0`, `onnxruntime-gpu==1.16.0`, `opencv-python==4.8.1.78`, `tensorflow==2.13.0rc1` and `tensorflow==2.12.0` were built against NumPy 1.x and fail to import under NumPy 2 (first build for NumPy 2: torch 2.3.0, onnxruntime 1.19.0, onnxruntime-gpu 1.19.0, opencv-python 4.10.0.84 and tensorflow 2.18.0). Cap NumPy below 2.',
    );
    expect(got[0]!.fixes[0]!.edits[0]!.text).toBe('<2');
  });

  it('generative-models: numpy==2.1 beside opencv-python==4.6.0.66, and numpy==2.1 under requires-python >=3.8', () => {
    expect(findings('Stability-AI__generative-models').filter((f) => f.file === 'requirements/pt2.txt').map((f) => [f.rule, f.text, f.message])).toEqual([
      [
        'numpy-abi-mismatch',
        'numpy==2.1',
        '`numpy==2.1` installs NumPy 2, but `opencv-python==4.6.0.66` was built against NumPy 1.x and fails to import under NumPy 2 (first build for NumPy 2: opencv-python 4.10.0.84).',
      ],
      [
        'python-version-unsupported',
        'numpy==2.1',
        '`numpy==2.1` has no release for Python 3.8 (target Python from pyproject.toml): 2.1.x supports Python 3.10–3.13. pip finds no wheel and the install fails.',
      ],
    ]);
  });

  it.each(['hacksider__Deep-Live-Cam/at-99704f3', 'facefusion__facefusion/at-e58fa81'])('%s: onnxruntime builds split by platform, machine and Python are not a conflict', (name) => {
    expect(findings(name).filter((f) => f.rule === 'distribution-conflict')).toEqual([]);
  });

  it('Deep-Live-Cam at 99704f3: tensorflow 2.12.1 accepts numpy>=1.23.5,<2', () => {
    expect(findings('hacksider__Deep-Live-Cam/at-99704f3')).toEqual([]);
  });
});
