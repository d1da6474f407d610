// The editor's view of file kinds comes from the registry: every file the engine reads as a kind is
// watched (so a closed file edited on disk is re-checked) and selected (so its open buffer reaches the
// server). Sample paths per kind, including the ones the hand-written lists used to miss.
import { matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import documentSelector from '../../client/src/generated/document-selector.json';
import { fileKindList, fileKindOf, preCommitFilesPattern, watchedGlobs } from '../../server/src/engine/kinds';

const samples: Record<string, string[]> = {
  requirements: ['requirements.txt', 'dev-requirements.txt', 'requirements/gpu.txt', 'deps.txt', 'req.txt', 'requirments_linux.txt', 'ci/constraints-cu121.txt', 'base.pip'],
  pyproject: ['pyproject.toml', 'packages/a/pyproject.toml'],
  'setup-py': ['setup.py', 'libs/core/setup.py'],
  'setup-cfg': ['setup.cfg', 'libs/core/setup.cfg'],
  pipfile: ['Pipfile', 'services/api/Pipfile'],
  shell: ['install.sh', 'scripts/setup.bash'],
  dockerfile: ['Dockerfile', 'docker/Dockerfile.cuda', 'Containerfile', 'gpu.dockerfile'],
  'python-version': ['.python-version'],
  python: ['train.py', 'pkg/stubs.pyi', 'modules/launch_utils.py', 'setup_utils.py'],
  batch: ['webui.bat', 'scripts/install.cmd', 'WEBUI-USER.BAT'],
  powershell: ['install.ps1', 'scripts/setup.ps1'],
  'uv-lock': ['uv.lock', 'services/api/uv.lock'],
  'poetry-lock': ['poetry.lock', 'libs/core/poetry.lock'],
  'pdm-lock': ['pdm.lock'],
  'pipfile-lock': ['Pipfile.lock', 'app/Pipfile.lock'],
  pylock: ['pylock.toml', 'pylock.gpu.toml', 'deploy/pylock.cpu-only.toml'],
  conda: ['environment.yml', 'environment-cuda.yaml', 'envs/conda_gpu.yml', 'conda.yaml'],
  cog: ['cog.yaml', 'models/sdxl/cog.yaml'],
  notebook: ['train.ipynb', 'notebooks/Colab Demo.ipynb', 'DEMO.IPYNB'],
  'github-workflow': ['.github/workflows/test.yml', '.github/workflows/release.yaml', 'packages/a/.github/workflows/ci.yml'],
  'gitlab-ci': ['.gitlab-ci.yml', 'sub/.gitlab-ci.yml'],
};

describe('file-kind registry', () => {
  it('has samples for every kind, each of that kind', () => {
    // A new kind must bring its samples here.
    expect(Object.keys(samples).sort()).toEqual(fileKindList.map((spec) => spec.kind).sort());
    for (const [kind, paths] of Object.entries(samples)) for (const path of paths) expect(fileKindOf(path), path).toBe(kind);
  });

  it('watches every file of every kind', () => {
    for (const paths of Object.values(samples)) {
      for (const path of paths) expect(watchedGlobs.some((glob) => matchesGlob(path, glob)), path).toBe(true);
    }
  });

  it("selects every file of every kind for the client (by language or by pattern)", () => {
    const patterns = documentSelector.flatMap((entry) => ('pattern' in entry && entry.pattern ? [entry.pattern] : []));
    for (const spec of fileKindList) {
      for (const path of samples[spec.kind] ?? []) {
        const byPattern = patterns.some((glob) => matchesGlob(path, glob));
        expect(byPattern, `${path} (${spec.kind})`).toBe(true);
      }
    }
  });

  it('runs the pre-commit hook for every file of every kind', () => {
    const pattern = new RegExp(preCommitFilesPattern().replace(/^\(\?i\)/, ''), 'i');
    for (const paths of Object.values(samples)) for (const path of paths) expect(pattern.test(path), path).toBe(true);
    for (const path of ['README.md', 'src/index.js', 'requirements.txt.orig', 'data/train.csv']) expect(pattern.test(path), path).toBe(false);
  });
});
