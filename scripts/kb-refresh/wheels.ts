// Wheel file names (the binary distribution format's `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`).
import { parseVersion } from '../../server/src/engine/versions';

export interface Wheel {
  /** Normalised project name (`torch`, `torchvision`). */
  name: string;
  /** Public version (`2.3.1`). */
  version: string;
  /** Local tag (`cu121`, `rocm6.2.4`, `cpu`), or null. */
  local: string | null;
  /** CPython minors the wheel is built for (`3.10`), from cpXY python tags; free-threaded builds not included. */
  cpython: string[];
  /** CPython minors of free-threaded builds (abi `cp313t`). */
  freeThreaded: string[];
  prerelease: boolean;
}

/** The wheel a file name describes, or null for an sdist or a name that is no wheel. */
export function parseWheelFilename(filename: string): Wheel | null {
  const decoded = filename.includes('%') ? safeDecode(filename) : filename;
  if (!decoded.endsWith('.whl')) return null;
  const parts = decoded.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [name, versionText] = parts;
  const [pythonTags, abiTags] = parts.slice(-3);
  const version = parseVersion(versionText!);
  if (!version || !name) return null;
  const cpython = new Set<string>();
  const freeThreaded = new Set<string>();
  const abis = abiTags!.split('.');
  for (const tag of pythonTags!.split('.')) {
    const m = /^cp3(\d+)$/.exec(tag);
    if (!m) continue;
    const minor = `3.${Number(m[1])}`;
    if (abis.some((abi) => abi === `${tag}t`)) freeThreaded.add(minor);
    if (abis.some((abi) => abi !== `${tag}t`)) cpython.add(minor);
  }
  return {
    name: name.toLowerCase().replace(/[-_.]+/g, '-'),
    version: version.public,
    local: version.local,
    cpython: [...cpython],
    freeThreaded: [...freeThreaded],
    prerelease: version.isPrerelease,
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
