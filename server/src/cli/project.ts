// The one way the CLI's commands (check, stack, upgrade) read a PATH: its repository as the
// boundary, its [tool.pinwise] settings, its dependency files (a directory walked, a file read
// whatever its name) with everything they include, each file parsed once.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Grammars } from '../engine/grammars';
import { repositoryBoundaryFor } from '../host/boundary';
import type { Boundary } from '../host/boundary';
import { discoverFiles, loadProject, projectRootFor, type LoadedProject } from '../host/files';
import { filterFiles, loadProjectConfig, resolveSettings, type PinwiseConfig, type ResolvedSettings } from '../host/settings';

export interface CliProject {
  /** The folder project paths are relative to: PATH, or a file's folder. */
  root: string;
  boundary: Boundary;
  isDir: boolean;
  resolved: ResolvedSettings;
  loaded: LoadedProject;
}

/** Reads PATH as one project; `onProblem` hears what was skipped and why (bad settings, patterns). */
export function loadCliProject(path: string, options: { grammars: Grammars; flags?: PinwiseConfig; onProblem?: (problem: string) => void }): CliProject {
  const root = projectRootFor(path);
  // Nothing outside the repository holding PATH is read or written.
  const boundary = repositoryBoundaryFor(path);
  const isDir = statSync(path).isDirectory();
  const config = loadProjectConfig(root, boundary);
  for (const problem of config.problems) options.onProblem?.(problem);
  const resolved = resolveSettings(config.config, options.flags ?? {});
  const files = isDir ? filterFiles(root, discoverFiles(resolve(path), { boundary, onProblem: options.onProblem }), resolved.include, resolved.exclude, options.onProblem) : [];
  const loaded = loadProject(root, files, { boundary, grammars: options.grammars, named: isDir ? [] : [resolve(path)] });
  return { root, boundary, isDir, resolved, loaded };
}
