// Which pins govern which code: the nearest enclosing project (a folder with a project declaration),
// requirements-only folders and `requirements/` belonging to the project around them, vendored code
// running in its host's environment. Seen through deprecated-api, whose verdict depends on it.
import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

// np.int: deprecated in NumPy 1.20, removed in 1.24.
const usesNpInt = 'import numpy as np\nx = np.int(3)\n';
const verdicts = (files: Record<string, string>) => Object.fromEntries(checkRule('deprecated-api', files).map((f) => [f.file, f.level]));

describe('project roots', () => {
  it('a folder holding only a requirements.txt belongs to the project around it', () => {
    const files = { 'requirements.txt': 'numpy==1.26.4\n', 'tools/requirements.txt': 'numpy==1.26.4\nrich==13.7.0\n', 'tools/convert.py': usesNpInt, 'train.py': usesNpInt };
    expect(verdicts(files)).toEqual({ 'tools/convert.py': 'error', 'train.py': 'error' });
    // Its pins govern the host's code too: with an older NumPy there, both files see both versions.
    const mixed = { ...files, 'requirements.txt': 'numpy==1.19.5\n' };
    expect(verdicts(mixed)).toEqual({ 'tools/convert.py': 'warning', 'train.py': 'warning' });
  });

  it("a requirements/ folder's pins govern the code of the project holding it", () => {
    const files = { 'requirements/base.txt': 'numpy==1.26.4\n', 'requirements/dev.txt': '-r base.txt\npytest==8.2.0\n', 'src/pkg/model.py': usesNpInt };
    expect(verdicts(files)).toEqual({ 'src/pkg/model.py': 'error' });
  });

  it('each project of a monorepo is governed by its own declaration', () => {
    const files = {
      'packages/new/pyproject.toml': '[project]\nname = "new"\nversion = "1"\ndependencies = ["numpy==1.26.4"]\n',
      'packages/new/src/new/core.py': usesNpInt,
      'packages/old/pyproject.toml': '[project]\nname = "old"\nversion = "1"\ndependencies = ["numpy==1.19.5"]\n',
      'packages/old/src/old/core.py': usesNpInt,
      'requirements.txt': 'numpy==1.26.4\n',
    };
    expect(verdicts(files)).toEqual({ 'packages/new/src/new/core.py': 'error' });
     // The message names the project whose pin it is.
    const [finding] = checkRule('deprecated-api', files);
    expect(finding!.message).toContain('the project in packages/new/ pins numpy==1.26.4');
  });

  it('a project declaring no pins is governed by the project around it', () => {
    const files = { 'requirements.txt': 'numpy==1.26.4\n', 'plugin/pyproject.toml': '[project]\nname = "plugin"\nversion = "1"\n', 'plugin/run.py': usesNpInt };
    expect(verdicts(files)).toEqual({ 'plugin/run.py': 'error' });
  });

  it("vendored code runs in the host's environment, whatever its own files pin", () => {
    for (const folder of ['third_party/lib', 'vendor/lib', 'extensions/lora', 'repositories/taming', 'custom_nodes/upscale']) {
      const files = {
        'requirements.txt': 'numpy==1.19.5\n',
        [`${folder}/pyproject.toml`]: '[project]\nname = "lib"\nversion = "1"\ndependencies = ["numpy==1.26.4"]\n',
        [`${folder}/requirements.txt`]: 'numpy==1.26.4\n',
        [`${folder}/ops.py`]: usesNpInt,
      };
      // numpy 1.19.5 (the host's) still has np.int; the vendored copy's own 1.26.4 joins it: a warning, not an error.
      expect(verdicts(files), folder).toEqual({ [`${folder}/ops.py`]: 'warning' });
    }
  });
});
