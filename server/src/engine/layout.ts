// How a repository is laid out: which project a file belongs to, which folders hold vendored code,
// and which dependency files are alternatives of one another. These are Pinwise's reading of common
// layouts (not facts about any package), so they live with the logic that uses them.
import { kindSpec } from './kinds';
import type { Environment, Project } from './project';

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/**
 * Folders whose code runs in the host project's environment, whatever files they hold: copies of
 * other projects (`third_party/`, `vendor/`) and the plugin folders of ML apps (`extensions/<name>/`,
 * `repositories/<name>/`, `custom_nodes/<name>/`), which install into the app's environment.
 */
const vendoredFolder = /^(?:third[-_]party|3rdparty|vendor|vendored|_vendor|external|externals)$/i;
const pluginFolder = /^(?:extensions|extensions-builtin|repositories|custom_nodes|plugins)$/i;

/** Where vendored code sits in `path`: the host folder above it and the module's own folder, or null when it is not vendored. */
function vendoredAt(path: string): { host: string; module: string } | null {
  const parts = dirOf(path).split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // A plugin folder's plugins are vendored, not the folder itself (`extensions/x/...`).
    if (vendoredFolder.test(part) || (pluginFolder.test(part) && i + 1 < parts.length)) {
      return { host: parts.slice(0, i).join('/'), module: parts.slice(0, Math.min(i + 2, parts.length)).join('/') };
    }
  }
  return null;
}

/** The part of `path`'s folder above the first vendored folder in it, or null when it is not vendored code. */
export function vendoredHost(path: string): string | null {
  return vendoredAt(path)?.host ?? null;
}

/** The vendored module a path belongs to (`extensions/lora`, `third_party/taming`), or null for the host's own files. */
export function vendoredModule(path: string): string | null {
  return vendoredAt(path)?.module ?? null;
}

/**
 * The folders that are projects of their own: the repository root, and each folder holding a
 * project declaration (`pyproject.toml`, `setup.py`, `setup.cfg`, a conda environment file) that is
 * not vendored code. A folder holding only requirements files belongs to the project around it.
 */
export function projectRoots(project: Project): Set<string> {
  const roots = new Set<string>(['']);
  for (const file of project.parsed.values()) {
    if (kindSpec(file.kind).environments !== 'declaration') continue;
    if (vendoredHost(file.path) !== null) continue;
    roots.add(dirOf(file.path));
  }
  return roots;
}

/** The project a file belongs to: the nearest project root at or above it, vendored code counted as its host's. */
export function projectRootOf(roots: ReadonlySet<string>, path: string): string {
  let dir = vendoredHost(path) ?? dirOf(path);
  for (;;) {
    if (roots.has(dir)) return dir;
    if (dir === '') return '';
    dir = dirOf(dir);
  }
}

interface Governing {
  roots: Set<string>;
  byRoot: Map<string, Environment[]>;
}
const governingMemo = new WeakMap<Project, Governing>();

/**
 * The declared environments whose pins govern a file's code: those of the project it belongs to
 * (its requirements files wherever they sit in it, `requirements/` included), or when that project
 * declares none, of the nearest project around it that does.
 */
export function governingEnvironments(project: Project, file: string): Environment[] {
  return governingProject(project, file).environments;
}

/** The project root whose pins govern a file (`''`: the repository's), with its environments. */
export function governingProject(project: Project, file: string): { root: string; environments: Environment[] } {
  let governing = governingMemo.get(project);
  if (!governing) {
    governing = { roots: projectRoots(project), byRoot: new Map() };
    for (const env of project.environments) {
      if (env.installed) continue;
      const root = projectRootOf(governing.roots, env.rootFile);
      if (!governing.byRoot.has(root)) governing.byRoot.set(root, []);
      governing.byRoot.get(root)!.push(env);
    }
    governingMemo.set(project, governing);
  }
  for (let root = projectRootOf(governing.roots, file); ; root = projectRootOf(governing.roots, root)) {
    const found = governing.byRoot.get(root);
    if (found) return { root, environments: found };
    if (root === '') return { root, environments: [] };
  }
}

/**
 * Words in a dependency file's name that make it one deployment among several: the accelerator
 * (`cpu`, `cuda`, `cu121`, `rocm`, `rocm6.2`, `xpu`, `ipex`, `mps`, `dml`/`directml`, `tpu`, `npu`,
 * `gpu`) or the platform (`linux`, `windows`/`win`, `macos`/`mac`/`darwin`, `arm64`, `apple`).
 */
const deploymentWord = /^(?:cpu|cuda\d*x?|metal|cu\d{2,3}|rocm[\d.]*|xpu|ipex|mps|dml|directml|tpu|npu|gpu|intel|amd|nvidia|linux|windows|win|win32|macos|mac|osx|darwin|arm64|aarch64|apple|silicon)$/i;

/** The deployment words in a file's path (folder names included: `docker/cuda/requirements.txt`), lower-cased and sorted. */
export function deploymentOf(path: string): string {
  const words = path
    .toLowerCase()
    .replace(/\.[a-z]+$/, '')
    .split(/[/._-]+/)
    .filter((word) => deploymentWord.test(word));
  return [...new Set(words)].sort().join('+');
}
