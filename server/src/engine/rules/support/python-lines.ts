// Release lines with the Python versions they publish wheels for: python-support.yaml plus the
// torch family rows of torch.yaml. Shared by python-version-unsupported and the pin hover.
import { pythonSupport, type PythonSupportRelease } from '../../kb/python-support';
import { torchFamily, torchKnowledge } from '../../kb/torch';
import type { KnowledgeBase } from '../../kb/types';
import { compareVersions, isValidVersion, versionRange, type VersionRange } from '../../versions';

export interface ReleaseLine {
  range: VersionRange;
  label: string;
  /** Oldest and newest CPython minor with wheels; either may be unknown (absent), never both. */
  min?: string;
  max?: string;
  source: string;
}

/** Release lines with their Python range, per package: python-support.yaml plus the torch family rows of torch.yaml. */
export function releaseLines(kb: KnowledgeBase): Map<string, ReleaseLine[]> {
  const out = new Map<string, ReleaseLine[]>();
  const add = (name: string, line: ReleaseLine) => out.set(name, [...(out.get(name) ?? []), line]);
  for (const pkg of pythonSupport(kb)) {
    for (const release of pkg.releases) add(pkg.name, fromSupport(release));
  }
  const torch = torchKnowledge(kb);
  if (torch) {
    for (const release of torch.releases) {
      for (const name of torchFamily) {
        const version = release[name];
        if (!version) continue;
        add(name, { range: versionRange(`==${version}`), label: `${name} ${version}`, min: release.python.min, max: release.python.max, source: release.pythonSource });
      }
    }
  }
  return out;
}

function fromSupport(release: PythonSupportRelease): ReleaseLine {
  const lower = /^>=\s*(\d+\.\d+)/.exec(release.versions)?.[1];
  // A line that ends at a patch release (`<2.2.3`: 2.2.3 added wheels for a newer Python) says so.
  const upper = /,\s*<\s*(\d+\.\d+\.[1-9]\d*)\s*$/.exec(release.versions)?.[1];
  // Likewise one that starts at a patch release (`>=2.11.1`: 2.11.1 dropped an older Python).
  const from = /^>=\s*(\d+\.\d+\.[1-9]\d*)\s*,/.exec(release.versions)?.[1];
  // A line spanning several minors (`>=1.21.0,<1.24`) is named by them: `1.21–1.23`.
  const span = lower ? /,\s*<\s*(\d+)\.(\d+)(?:\.0)?\s*$/.exec(release.versions) : null;
  const [major, minor] = (lower ?? '').split('.').map(Number);
  const lastMinor = span && Number(span[1]) === major ? Number(span[2]) - 1 : null;
  const label = !lower
    ? release.versions
    : lastMinor !== null && lastMinor > minor!
      ? `${lower}–${major}.${lastMinor}`
      : `${lower}.x${from ? ` from ${from}` : ''}${upper ? ` before ${upper}` : ''}`;
  return { range: versionRange(release.versions), label, min: release.python.min, max: release.python.max, source: release.source };
}

export function supports(line: ReleaseLine, python: string): boolean {
  const bounds = [line.min, line.max].filter((b): b is string => b !== undefined);
  if (!isValidVersion(python) || bounds.length === 0 || !bounds.every(isValidVersion)) return true;
  return (line.min === undefined || compareVersions(python, line.min) >= 0) && (line.max === undefined || compareVersions(python, line.max) <= 0);
}

export function supportText(line: ReleaseLine): string {
  if (line.min === undefined) return `${line.label} has no wheels newer than Python ${line.max}`;
  if (line.max === undefined) return `${line.label} has no wheels older than Python ${line.min}`;
  return `${line.label} supports Python ${line.min}–${line.max}`;
}
