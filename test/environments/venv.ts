// Builds installed environments the way pip leaves them: dist-info folders with METADATA, RECORD
// and INSTALLER (or egg-info folders), under lib/pythonX.Y/site-packages of a virtualenv.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeDistribution {
  name: string;
  version: string;
  requires?: string[];
  requiresPython?: string;
  /** Paths relative to site-packages; default: `<name>/__init__.py` and the dist-info's own files. */
  record?: string[];
  /** Write an .egg-info (PKG-INFO + requires.txt) instead of a .dist-info. */
  eggInfo?: { requiresTxt?: string };
}

export function metadataText(dist: FakeDistribution): string {
  const lines = ['Metadata-Version: 2.1', `Name: ${dist.name}`, `Version: ${dist.version}`, 'Summary: test distribution'];
  if (dist.requiresPython) lines.push(`Requires-Python: ${dist.requiresPython}`);
  for (const r of dist.requires ?? []) lines.push(`Requires-Dist: ${r}`);
  return lines.join('\n') + '\n\nA long description: Requires-Dist: not-a-header\n';
}

/** Writes distributions into a site-packages folder and returns it. */
export function writeSitePackages(site: string, dists: readonly FakeDistribution[]): string {
  mkdirSync(site, { recursive: true });
  for (const dist of dists) {
    const folderName = dist.name.replace(/-/g, '_');
    if (dist.eggInfo) {
      const egg = join(site, `${folderName}-${dist.version}.egg-info`);
      mkdirSync(egg, { recursive: true });
      writeFileSync(join(egg, 'PKG-INFO'), metadataText({ ...dist, requires: [] }));
      if (dist.eggInfo.requiresTxt !== undefined) writeFileSync(join(egg, 'requires.txt'), dist.eggInfo.requiresTxt);
      continue;
    }
    const info = `${folderName}-${dist.version}.dist-info`;
    mkdirSync(join(site, info), { recursive: true });
    writeFileSync(join(site, info, 'METADATA'), metadataText(dist));
    writeFileSync(join(site, info, 'INSTALLER'), 'pip\n');
    const record = dist.record ?? [`${folderName}/__init__.py`];
    const lines = [...record.map((p) => `${p.includes(',') ? `"${p}"` : p},sha256=x,1`), `${info}/METADATA,,`, `${info}/RECORD,,`];
    writeFileSync(join(site, info, 'RECORD'), lines.join('\n') + '\n');
  }
  return site;
}

/** A virtualenv at `root` with Python `python` (X.Y.Z) holding `dists`; returns its site-packages. */
export function writeVenv(root: string, python: string, dists: readonly FakeDistribution[]): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'pyvenv.cfg'), `home = /usr/bin\ninclude-system-site-packages = false\nversion = ${python}\n`);
  const minor = python.split('.').slice(0, 2).join('.');
  return writeSitePackages(join(root, 'lib', `python${minor}`, 'site-packages'), dists);
}
