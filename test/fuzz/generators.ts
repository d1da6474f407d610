// Input generators shared by the seeded fuzz test (npm test) and the long campaign (npm run fuzz).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** Paths that make the engine pick each parser. */
export const fuzzPaths = ['requirements.txt', 'pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile', 'server-setup.sh', 'app.py', 'reqs/constraints.txt', '.python-version', 'uv.lock', 'poetry.lock', 'pdm.lock', 'Pipfile.lock', 'pylock.toml', 'train.ipynb', 'install.bat', 'setup.ps1', '.github/workflows/ci.yml', '.gitlab-ci.yml'];

const tokens = [
  'torch', 'torchvision', 'numpy', 'onnxruntime-gpu', '==', '>=', '<', '~=', '===', '!=', '=', ',', ';', '[', ']', '(', ')', '@',
  '2.3.1', '+rocm5.7', '+cu118', '.*', '-r ', '-c ', '-e ', '--index-url ', '--extra-index-url=', '--hash=sha256:', '\\\n', '\r\n', '\n', '\r',
  '#', ' ', '\t', '"', "'", 'python_version', 'sys_platform', ' and ', ' or ', 'not in', 'https://download.pytorch.org/whl/cu121',
  '${TORCH}', '[[package]]\nname = "torch"\nversion = "2.1.2"\n', 'resolution-markers = [', '{"default": {"numpy": {"version": "==2.1.0"', '}}', '[project]', 'dependencies = [', '"numpy>=2",', '[tool.poetry.dependencies]', '= "^2.1"', 'pip install ', 'python -m pip ',
  'echo "', '<<EOF\n', 'EOF\n', 'import numpy as np\n', 'np.float', 'from PIL import Image\n', 'Image.ANTIALIAS', '\uFEFF', '\u0000', 'é', '☕', '\uD800',
  '!pip install ', '%pip install ', '%%bash\n', '%%capture\n', '!{sys.executable} -m pip install ', '{', '}', '\\"', '\\n', '\\u00e9',
  '[options]\ninstall_requires =\n    ', 'python_requires = ', '[options.extras_require]\n', '[packages]\n', '[[source]]\nurl = "https://download.pytorch.org/whl/cu121"\nname = "pytorch"\n', '{version = "==2.1.2", index = "pytorch"}', '[requires]\npython_version = "3.10"\n',
  'setup(install_requires=[', 'extras_require={"gpu": [', 'open("requirements.txt").read().splitlines()', 'TORCH_COMMAND = "pip install ', "os.environ.get('TORCH_COMMAND', f\"pip install torch==2.1.2 {url}\")", 'def f(cmd="uv pip install ',
];

/** Text built from tokens that look like dependency files, plus arbitrary Unicode. */
export const dependencyText = fc.oneof(
  fc.array(fc.constantFrom(...tokens), { maxLength: 200 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 500 }),
  fc.string({ unit: 'binary', maxLength: 500 }),
  // A well-formed notebook whose cells hold such text (broken JSON is what the arms above make).
  fc.array(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }), { maxLength: 6 }).map((cells) =>
    JSON.stringify({ cells: cells.map((parts) => ({ cell_type: 'code', metadata: {}, outputs: [], source: parts })), metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1),
  ),
);

/** Real files from the shared corpus, when present, to mutate. */
export function corpusTexts(repoRoot: string): string[] {
  const roots = [join(repoRoot, '..', 'shared', 'corpus', 'real'), join(repoRoot, 'examples')];
  const texts: string[] = [];
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (statSync(full).size < 200_000) texts.push(readFileSync(full, 'utf8'));
    }
  };
  roots.forEach(walk);
  return texts;
}

/** A mutation of a real file: a slice deleted, duplicated or replaced with a token. */
export function mutated(seeds: string[]) {
  return fc
    .record({
      seed: fc.constantFrom(...(seeds.length > 0 ? seeds : ['torch==2.3.1\n'])),
      at: fc.nat(),
      length: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 8 })),
      mode: fc.constantFrom('delete', 'insert', 'replace', 'duplicate'),
    })
    .map(({ seed, at, length, insert, mode }) => {
      const i = seed.length === 0 ? 0 : at % seed.length;
      const slice = seed.slice(i, i + length);
      if (mode === 'delete') return seed.slice(0, i) + seed.slice(i + length);
      if (mode === 'insert') return seed.slice(0, i) + insert + seed.slice(i);
      if (mode === 'replace') return seed.slice(0, i) + insert + seed.slice(i + length);
      return seed.slice(0, i) + slice + slice + seed.slice(i);
    });
}
