// `[tool.pinwise]` in pyproject.toml: the project's own Pinwise settings, read by the CLI and the
// language server alike so both report the same findings.
//
// Keys (the same as the editor's `pinwise.*` settings):
//   python = "3.11"                   target Python when the project does not declare one
//   accelerator = "cuda"              auto | cpu | cuda | rocm
//   select = ["torch-family-mismatch"]  only these rules run
//   ignore = ["inconsistent-pins"]    these rules never run
//   include = ["services/"]           gitignore-style patterns, relative to the project root
//                                     (the folder `pinwise check` is given, the workspace folder)
//   exclude = ["legacy/"]
//   [tool.pinwise.severity]           per rule: off | note | warning | error | default
//   inconsistent-pins = "note"
//
// Precedence, as in Ruff's editor integration (`configurationPreference = "editorFirst"`, its
// default) and on Ruff's command line: what the user sets explicitly (a CLI flag, an editor
// setting changed from its default) wins over the file; anything left unset comes from the file;
// anything the file does not set keeps the built-in default. Per-rule severities merge rule by rule.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { decodeText } from './decode';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { placeOf, type Boundary } from './boundary';
import { compilePatterns, safelyIgnores } from './ignore-patterns';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { ruleIds } from '../engine/rules';
import { defaultSettings, type Accelerator, type Settings, type SeverityOverride } from '../engine/settings';

/** What `[tool.pinwise]` (or the user) sets; every key optional. */
export interface PinwiseConfig {
  python?: string;
  accelerator?: Accelerator;
  select?: string[];
  ignore?: string[];
  include?: string[];
  exclude?: string[];
  severity?: Record<string, SeverityOverride>;
}

export interface ProjectConfig {
  /** The pyproject.toml the settings came from, or null when none declares `[tool.pinwise]`. */
  file: string | null;
  config: PinwiseConfig;
  /** Human-readable problems with the table (unknown keys, bad values); the rest still applies. */
  problems: string[];
}

/** Settings after merging: the engine's settings plus the path filters the host applies. */
export interface ResolvedSettings {
  engine: Settings;
  include: string[];
  exclude: string[];
}

const accelerators = ['auto', 'cpu', 'cuda', 'rocm'];
const levels = ['off', 'note', 'warning', 'error'];
const knownKeys = ['python', 'accelerator', 'select', 'ignore', 'include', 'exclude', 'severity'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Reads `[tool.pinwise]` from the text of a pyproject.toml. Never throws: a TOML error or a bad
 * value becomes a problem and that key is left unset. `found` is false when the file has no
 * `[tool.pinwise]` table.
 */
export function parseToolPinwise(text: string, fileLabel = 'pyproject.toml'): { found: boolean; config: PinwiseConfig; problems: string[] } {
  const problems: string[] = [];
  const config: PinwiseConfig = {};
  let value: unknown;
  try {
    value = getStaticTOMLValue(parseTOML(text));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { found: false, config, problems: [`${fileLabel}: not valid TOML, [tool.pinwise] ignored: ${message}`] };
  }
  const tool = isRecord(value) ? value.tool : undefined;
  const table = isRecord(tool) ? tool.pinwise : undefined;
  if (table === undefined) return { found: false, config, problems };
  const where = `${fileLabel}: [tool.pinwise]`;
  if (!isRecord(table)) return { found: true, config, problems: [`${where} must be a table`] };

  const ruleList = (key: 'select' | 'ignore'): void => {
    const list = stringList(table[key], key);
    if (!list) return;
    const unknown = list.filter((id) => !ruleIds.includes(id));
    if (unknown.length > 0) problems.push(`${where} ${key}: unknown rule id(s) ${unknown.map((id) => `"${id}"`).join(', ')}`);
    config[key] = list.filter((id) => ruleIds.includes(id));
  };
  const stringList = (raw: unknown, key: string): string[] | null => {
    if (raw === undefined) return null;
    if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string')) {
      problems.push(`${where} ${key} must be an array of strings`);
      return null;
    }
    return (raw as string[]).map((s) => s.trim()).filter((s) => s !== '');
  };

  for (const key of Object.keys(table)) {
    if (!knownKeys.includes(key)) problems.push(`${where}: unknown key "${key}" (known: ${knownKeys.join(', ')})`);
  }
  if (table.python !== undefined) {
    if (typeof table.python === 'string' && /^\d+\.\d+$/.test(table.python.trim())) config.python = table.python.trim();
    else problems.push(`${where} python must be a string like "3.11" (got ${JSON.stringify(table.python)})`);
  }
  if (table.accelerator !== undefined) {
    if (typeof table.accelerator === 'string' && accelerators.includes(table.accelerator)) config.accelerator = table.accelerator as Accelerator;
    else problems.push(`${where} accelerator must be one of ${accelerators.join(', ')} (got ${JSON.stringify(table.accelerator)})`);
  }
  ruleList('select');
  ruleList('ignore');
  const include = stringList(table.include, 'include');
  if (include) config.include = include;
  const exclude = stringList(table.exclude, 'exclude');
  if (exclude) config.exclude = exclude;
  if (table.severity !== undefined) {
    if (!isRecord(table.severity)) problems.push(`${where} severity must be a table of rule id = level`);
    else {
      const severity: Record<string, SeverityOverride> = {};
      for (const [id, level] of Object.entries(table.severity)) {
        if (!ruleIds.includes(id)) problems.push(`${where} severity: unknown rule id "${id}"`);
        else if (level === 'default') continue;
        else if (typeof level === 'string' && levels.includes(level)) severity[id] = level as SeverityOverride;
        else problems.push(`${where} severity.${id} must be one of default, ${levels.join(', ')} (got ${JSON.stringify(level)})`);
      }
      config.severity = severity;
    }
  }
  return { found: true, config, problems };
}

/**
 * The project configuration for a folder: the nearest pyproject.toml with a `[tool.pinwise]`
 * table in `root` or above it, stopping at the repository root (a folder holding `.git`).
 * For the CLI call it with the PATH's folder; the language server calls it per workspace folder.
 */
export function loadProjectConfig(root: string, boundary?: Boundary): ProjectConfig {
  let dir = root;
  for (let depth = 0; depth < 64; depth++) {
    const file = join(dir, 'pyproject.toml');
    let text: string | null = null;
    // Never above the boundary, nor through a link out of it.
    if (boundary && !placeOf(boundary, file).inside) break;
    try {
      if (statSync(file).isFile() && statSync(file).size <= 4 * 1024 * 1024) text = decodeText(readFileSync(file))?.text ?? null; // no BOM, UTF-16 by its BOM
    } catch {
      text = null;
    }
    if (text !== null) {
      const parsed = parseToolPinwise(text, file);
      if (parsed.found || parsed.problems.length > 0) return { file, config: parsed.config, problems: parsed.problems };
    }
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, '.git'))) break;
    dir = parent;
  }
  return { file: null, config: {}, problems: [] };
}

/**
 * Merges the user's explicit settings (CLI flags, editor settings changed from their default)
 * over the project's `[tool.pinwise]`, over the built-in defaults. A list the user sets replaces
 * the file's list; severities merge per rule, the user's level winning.
 */
export function resolveSettings(project: PinwiseConfig, user: PinwiseConfig): ResolvedSettings {
  const pick = <K extends keyof PinwiseConfig>(key: K): PinwiseConfig[K] => {
    const mine = user[key];
    if (mine === undefined || (Array.isArray(mine) && mine.length === 0)) return project[key];
    return mine;
  };
  const python = pick('python');
  const accelerator = user.accelerator && user.accelerator !== 'auto' ? user.accelerator : (project.accelerator ?? 'auto');
  return {
    engine: defaultSettings({
      ...(python ? { python } : {}),
      accelerator,
      select: [...(pick('select') ?? [])],
      ignore: [...(pick('ignore') ?? [])],
      severity: { ...(project.severity ?? {}), ...(user.severity ?? {}) },
    }),
    include: [...(pick('include') ?? [])],
    exclude: [...(pick('exclude') ?? [])],
  };
}

/**
 * Keeps the files (absolute paths) under `root` that `include` (when non-empty) and `exclude`
 * (gitignore-style patterns, relative to `root`) allow. Files outside `root` are kept.
 */
export function filterFiles(root: string, files: string[], include: string[], exclude: string[], onProblem?: (message: string) => void): string[] {
  if (include.length === 0 && exclude.length === 0) return files;
  const included = include.length > 0 ? compileSettingPatterns(include, 'include', onProblem) : null;
  const excluded = exclude.length > 0 ? compileSettingPatterns(exclude, 'exclude', onProblem) : null;
  return files.filter((file) => {
    const rel = relative(root, file).split(sep).join('/');
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return true;
    if (excluded && safelyIgnores(excluded, rel)) return false;
    return included ? safelyIgnores(included, rel) : true;
  });
}

/** A [tool.pinwise] include/exclude list, compiled the safe way (a pattern that cannot be is skipped and reported). */
export function compileSettingPatterns(patterns: readonly string[], key: 'include' | 'exclude', onProblem?: (message: string) => void): Ignore {
  const compiled = compilePatterns(patterns, `[tool.pinwise] ${key}`);
  for (const problem of compiled.skipped) onProblem?.(problem);
  return compiled.matcher;
}
