import type { Level } from './findings';

export type SeverityOverride = Level | 'off';
export type Accelerator = 'auto' | 'cpu' | 'cuda' | 'rocm';

/** What the user (CLI flags, editor settings, `[tool.pinwise]`) tells the engine. */
export interface Settings {
  /** Target Python `X.Y` when the project does not say (requires-python, .python-version). */
  python?: string;
  accelerator: Accelerator;
  /** Per-rule level override; 'off' disables the rule. */
  severity: Record<string, SeverityOverride>;
  /** When non-empty, only these rules run. */
  select: string[];
  ignore: string[];
}

export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  return { accelerator: 'auto', severity: {}, select: [], ignore: [], ...overrides };
}
