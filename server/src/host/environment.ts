// Reads an installed Python environment's metadata without running anything: a virtualenv
// (`pyvenv.cfg`), a conda environment (`conda-meta/`) or a bare `site-packages` folder. Only
// `*.dist-info` (METADATA, RECORD, INSTALLER) and `*.egg-info` (PKG-INFO, requires.txt) are read.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { InstalledDistributionInput, InstalledEnvironmentInput } from '../engine/installed';
import type { MarkerPlatform } from '../engine/markers';
import { isUnder, realPathOrSelf, type Boundary } from './boundary';

/** Metadata files past these sizes are not read (a METADATA is a few KB; a RECORD of torch ~2 MB). */
const maxMetadataBytes = 4 * 1024 * 1024;
const maxRecordBytes = 32 * 1024 * 1024;
const maxDistributions = 20_000;

export interface EnvironmentLocation {
  /** The folder given (or found), absolute. */
  dir: string;
  kind: 'virtualenv' | 'conda' | 'site-packages';
  sitePackages: string[];
  python: string | null;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readSmallFile(path: string, limit: number): Buffer | null {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > limit) return null;
    return readFileSync(path);
  } catch {
    return null;
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

/** `lib/python3.11/site-packages` (POSIX) and `Lib/site-packages` (Windows) under an environment root. */
function sitePackagesUnder(root: string): { paths: string[]; python: string | null } {
  const paths: string[] = [];
  let python: string | null = null;
  for (const lib of ['lib', 'lib64']) {
    for (const entry of listDir(join(root, lib))) {
      const m = /^python(\d+\.\d+)t?$/.exec(entry);
      const site = join(root, lib, entry, 'site-packages');
      if (m && isDir(site) && !paths.some((p) => resolve(p) === resolve(site))) {
        paths.push(site);
        python ??= m[1]!;
      }
    }
  }
  const windows = join(root, 'Lib', 'site-packages');
  if (isDir(windows) && !paths.includes(windows)) paths.push(windows);
  return { paths, python };
}

/** pyvenv.cfg's `version` / `version_info` (`3.11.7`, `3.12.3.final.0`). */
function pyvenvPython(root: string): string | null {
  const text = readSmallFile(join(root, 'pyvenv.cfg'), 64 * 1024)?.toString('utf8');
  if (!text) return null;
  const m = /^\s*(?:version|version_info)\s*=\s*(\d+\.\d+(?:\.\d+)?)/m.exec(text);
  return m ? m[1]! : null;
}

/** conda-meta/python-3.11.5-h955ad1f_0.json names the environment's Python. */
function condaPython(root: string): string | null {
  for (const entry of listDir(join(root, 'conda-meta'))) {
    const m = /^python-(\d+\.\d+(?:\.\d+)?)-[^-]+\.json$/.exec(entry);
    if (m) return m[1]!;
  }
  return null;
}

/** What DIR is, and where its site-packages are; null when it is none of the three. */
export function locateEnvironment(dir: string): EnvironmentLocation | null {
  const root = resolve(dir);
  if (!isDir(root)) return null;
  if (existsSync(join(root, 'pyvenv.cfg'))) {
    const { paths, python } = sitePackagesUnder(root);
    return { dir: root, kind: 'virtualenv', sitePackages: paths, python: pyvenvPython(root) ?? python };
  }
  if (isDir(join(root, 'conda-meta'))) {
    const { paths, python } = sitePackagesUnder(root);
    return { dir: root, kind: 'conda', sitePackages: paths, python: condaPython(root) ?? python };
  }
  const entries = listDir(root);
  if (/^(?:site|dist)-packages$/.test(basename(root)) || entries.some((e) => /\.(?:dist|egg)-info$/.test(e))) {
    const m = /[/\\]lib(?:64)?[/\\]python(\d+\.\d+)t?[/\\](?:site|dist)-packages$/i.exec(root);
    return { dir: root, kind: 'site-packages', sitePackages: [root], python: m ? m[1]! : null };
  }
  return null;
}

/**
 * The environment a project keeps at its root (`.venv`, then `venv`), if any. A cloned repository
 * may plant a link there: one whose real path leaves `boundary` is not an environment of the project.
 */
export function defaultEnvironmentDir(projectRoot: string, boundary: Boundary): string | null {
  for (const name of ['.venv', 'venv']) {
    const dir = join(projectRoot, name);
    if (!existsSync(join(dir, 'pyvenv.cfg')) && !isDir(join(dir, 'conda-meta'))) continue;
    if (isUnder(boundary.real, realPathOrSelf(dir))) return dir;
  }
  return null;
}

/** RECORD's first column; quoted paths (a comma inside) are unquoted as CSV. */
function recordPaths(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('"')) {
      let path = '';
      let i = 1;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          path += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else path += line[i++];
      }
      paths.push(path);
    } else {
      paths.push(line.slice(0, line.indexOf(',') < 0 ? line.length : line.indexOf(',')));
    }
  }
  return paths;
}

function hostPlatform(): { platform: MarkerPlatform; machine: string } {
  const platform: MarkerPlatform = process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux';
  const machines: Record<string, string> = { x64: platform === 'win32' ? 'AMD64' : 'x86_64', arm64: platform === 'linux' ? 'aarch64' : 'arm64', ia32: 'i686' };
  return { platform, machine: machines[process.arch] ?? process.arch };
}

/**
 * Reads the environment's distributions. File paths are given relative to `projectRoot` when the
 * environment lies inside it, absolute otherwise; nothing outside the metadata folders is opened.
 */
export function readEnvironment(location: EnvironmentLocation, projectRoot: string, label: string, boundary?: Boundary): InstalledEnvironmentInput {
  const root = resolve(projectRoot);
  // A found environment (not one the user named) is project content: nothing it links to outside is read.
  const allowed = (path: string) => !boundary || isUnder(boundary.real, realPathOrSelf(path));
  const readSmall = (path: string, limit: number) => (allowed(path) ? readSmallFile(path, limit) : null);
  const inside = (path: string) => {
    const rel = relative(root, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
  const name = (path: string) => (inside(path) ? relative(root, path).split(sep).join('/') : path.split(sep).join('/'));
  const distributions: InstalledDistributionInput[] = [];
  const problems: InstalledEnvironmentInput['problems'] = [];
  if (location.sitePackages.length === 0) problems.push({ file: name(location.dir), message: 'No site-packages folder was found in this environment; nothing installed is checked.' });
  for (const site of location.sitePackages) {
    if (!allowed(site)) {
      problems.push({ file: name(site), message: 'This site-packages folder links outside the project; it is not read.' });
      continue;
    }
    for (const entry of listDir(site)) {
      if (distributions.length >= maxDistributions) {
        problems.push({ file: name(site), message: `More than ${maxDistributions} distributions: the rest are not checked.` });
        break;
      }
      const path = join(site, entry);
      if (entry.endsWith('.dist-info') && isDir(path)) {
        const metadata = readSmall(join(path, 'METADATA'), maxMetadataBytes);
        if (!metadata) {
          problems.push({ file: name(path), message: `${entry} has no readable METADATA; this distribution is not checked.` });
          continue;
        }
        let record: string[] | null = null;
        const recordBytes = readSmall(join(path, 'RECORD'), maxRecordBytes);
        if (recordBytes && recordBytes.includes(0)) problems.push({ file: name(join(path, 'RECORD')), message: `${entry}/RECORD is not text; the files it installed are not compared.` });
        else if (recordBytes) record = recordPaths(recordBytes.toString('utf8'));
        const installer = readSmall(join(path, 'INSTALLER'), 4096)?.toString('utf8').split('\n')[0]?.trim() || null;
        distributions.push({ metadataFile: name(join(path, 'METADATA')), metadataText: metadata.toString('utf8'), record, installer });
      } else if (entry.endsWith('.egg-info')) {
        // A folder (PKG-INFO, requires.txt) or, from old distutils installs, the PKG-INFO file itself.
        const folder = isDir(path);
        const pkgInfo = folder ? join(path, 'PKG-INFO') : path;
        const metadata = readSmall(pkgInfo, maxMetadataBytes);
        if (!metadata) {
          problems.push({ file: name(path), message: `${entry} has no readable PKG-INFO; this distribution is not checked.` });
          continue;
        }
        const requires = folder ? readSmall(join(path, 'requires.txt'), maxMetadataBytes) : null;
        distributions.push({
          metadataFile: name(pkgInfo),
          metadataText: metadata.toString('utf8'),
          ...(requires ? { requiresFile: name(join(path, 'requires.txt')), requiresText: requires.toString('utf8') } : {}),
          record: null,
          installer: null,
        });
      }
    }
  }
  return { label, python: location.python, ...hostPlatform(), distributions, problems };
}
