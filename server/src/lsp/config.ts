// `pinwise.*` settings as the client sends them, turned into the engine's Settings.
import { ruleIds, type Accelerator, type PinChanges, type SeverityOverride, type Settings } from '../engine';
import { resolveSettings, type PinwiseConfig } from '../host/settings';

export type RunMode = 'onType' | 'onSave';
/** `workspace`: every file of the folder is checked and published; `openFiles`: open files and their environments. */
export type DiagnosticScope = 'workspace' | 'openFiles';

/** Everything the server reads from `pinwise.*` for one workspace folder. */
export interface ServerSettings {
  enable: boolean;
  run: RunMode;
  diagnosticScope: DiagnosticScope;
  /** Diagnostics carry a finding's first sentence; the hover has the whole message. */
  shortMessages: boolean;
  /** gitignore-style patterns, relative to the workspace folder; empty = every dependency file. */
  include: string[];
  exclude: string[];
  /** The installed environment to check: a path (absolute or folder-relative), '' for `.venv`/`venv`, 'none' for none. */
  environment: string;
  /** `pinwise.fixAll.includePinChanges`: which fixes that change what is installed fix-all applies besides the safe ones. */
  includePinChanges: PinChanges;
  /** `pinwise.docsUrl`: where the rule pages are published (`{rule}` stands for the id); '' for the bundled pages. */
  docsUrl: string;
  engine: Settings;
}

const severities = new Set(['off', 'note', 'warning', 'error']);
const accelerators = new Set(['auto', 'cpu', 'cuda', 'rocm']);

export function defaultServerSettings(): ServerSettings {
  return { enable: true, run: 'onType', diagnosticScope: 'workspace', shortMessages: false, include: [], exclude: [], environment: '', includePinChanges: false, docsUrl: '', engine: { accelerator: 'auto', severity: {}, select: [], ignore: [] } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

/**
 * Reads what `workspace/configuration` returned for section `pinwise`. Anything
 * missing or malformed falls back to the default, so a client that sends
 * nothing (or `null`) gets the default behaviour. Per-rule severities may come
 * nested (`severity: {'syntax-error': 'off'}`, VS Code's shape) or flat
 * (`'severity.syntax-error': 'off'`); `default` means the rule's own level.
 */
export function parseServerSettings(raw: unknown): ServerSettings {
  const settings = defaultServerSettings();
  if (!isRecord(raw)) return settings;
  if (typeof raw.enable === 'boolean') settings.enable = raw.enable;
  if (raw.run === 'onSave' || raw.run === 'onType') settings.run = raw.run;
  if (raw.diagnosticScope === 'workspace' || raw.diagnosticScope === 'openFiles') settings.diagnosticScope = raw.diagnosticScope;
  if (typeof raw.shortMessages === 'boolean') settings.shortMessages = raw.shortMessages;
  settings.include = stringList(raw.include);
  settings.exclude = stringList(raw.exclude);
  if (typeof raw.environment === 'string') settings.environment = raw.environment.trim();
  // Nested as VS Code sends it (`fixAll: {includePinChanges}`), or flat.
  const pinChanges = isRecord(raw.fixAll) ? raw.fixAll.includePinChanges : raw['fixAll.includePinChanges'];
  if (typeof pinChanges === 'boolean') settings.includePinChanges = pinChanges;
  else if (Array.isArray(pinChanges)) settings.includePinChanges = stringList(pinChanges).filter((id) => ruleIds.includes(id));
  if (typeof raw.docsUrl === 'string' && /^https?:\/\//.test(raw.docsUrl.trim())) settings.docsUrl = raw.docsUrl.trim();
  settings.engine.select = stringList(raw.select).filter((id) => ruleIds.includes(id));
  settings.engine.ignore = stringList(raw.ignore).filter((id) => ruleIds.includes(id));
  if (typeof raw.python === 'string' && /^\d+\.\d+$/.test(raw.python.trim())) settings.engine.python = raw.python.trim();
  if (typeof raw.accelerator === 'string' && accelerators.has(raw.accelerator)) settings.engine.accelerator = raw.accelerator as Accelerator;
  const severity: Record<string, SeverityOverride> = {};
  const take = (id: string, value: unknown): void => {
    if (ruleIds.includes(id) && typeof value === 'string' && severities.has(value)) severity[id] = value as SeverityOverride;
  };
  if (isRecord(raw.severity)) for (const [id, value] of Object.entries(raw.severity)) take(id, value);
  for (const [key, value] of Object.entries(raw)) if (key.startsWith('severity.')) take(key.slice('severity.'.length), value);
  settings.engine.severity = severity;
  return settings;
}

/**
 * Applies the project's `[tool.pinwise]` under the editor settings: an editor setting left at its
 * default (empty python, accelerator `auto`, severity `default`, empty lists) defers to the file.
 */
export function withProjectConfig(editor: ServerSettings, project: PinwiseConfig): ServerSettings {
  const e = editor.engine;
  const resolved = resolveSettings(project, {
    ...(e.python ? { python: e.python } : {}),
    accelerator: e.accelerator,
    select: e.select,
    ignore: e.ignore,
    include: editor.include,
    exclude: editor.exclude,
    severity: e.severity,
  });
  return { ...editor, include: resolved.include, exclude: resolved.exclude, engine: resolved.engine };
}
