// package.json: its rule and file-kind contributions are generated from the registries (npm run
// manifest), and it is ready for the VS Code Marketplace and Open VSX.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileKindOf } from '../../server/src/engine/kinds';
import { ruleIds } from '../../server/src/engine/rules';
import { generatedManifest, manifestText } from '../../scripts/gen-manifest';
import { repoRoot } from '../support/analyze';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties as Record<string, { items?: { enum?: string[] } }>;

describe('generated contributions', () => {
  it('package.json is what npm run manifest writes', () => {
    const { current, generated } = manifestText();
    expect(current, 'package.json is stale: run npm run manifest').toBe(generated);
  });

  it('lists every rule of the registry in select, ignore and one severity setting each', () => {
    expect(properties['pinwise.select']!.items!.enum).toEqual([...ruleIds]);
    expect(properties['pinwise.ignore']!.items!.enum).toEqual([...ruleIds]);
    expect(Object.keys(properties).filter((key) => key.startsWith('pinwise.severity.'))).toEqual(ruleIds.map((id) => `pinwise.severity.${id}`));
  });

  it('rebuilds the rule settings from the registry, not from what package.json held', () => {
    const stripped = structuredClone(manifest);
    const props = stripped.contributes.configuration.properties;
    for (const key of Object.keys(props)) if (key.startsWith('pinwise.severity.') && key !== 'pinwise.severity.syntax-error') delete props[key];
    props['pinwise.select'].items.enum = ['syntax-error'];
    expect(generatedManifest(stripped)).toEqual(manifest);
  });

  it('highlights and activates on the file kinds the engine reads', () => {
    const patterns: string[] = manifest.contributes.languages.find((l: { id: string }) => l.id === 'pip-requirements').filenamePatterns;
    const sample = (glob: string) => glob.replace(/^\*\*\//, '').replace(/\{([^,}]*)[^}]*\}/g, '$1').replace(/\*/g, '');
    for (const pattern of patterns) expect(fileKindOf(sample(pattern)), pattern).toBe('requirements');
    const contains = (manifest.activationEvents as string[]).filter((e) => e.startsWith('workspaceContains:'));
    expect(contains.map((e) => fileKindOf(sample(e.slice('workspaceContains:'.length))))).not.toContain(null);
    expect(contains).toContain('workspaceContains:**/pyproject.toml');
  });
});

describe('marketplace and Open VSX', () => {
  it('has an icon, a banner, categories, keywords, a license, a repository and runs in the workspace', () => {
    const icon = readFileSync(join(repoRoot, manifest.icon));
    expect(icon.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([128, 128]);
    expect(manifest.galleryBanner).toEqual({ color: expect.stringMatching(/^#[0-9a-f]{6}$/), theme: 'dark' });
    expect(manifest.categories).toContain('Linters');
    expect(manifest.keywords.length).toBeGreaterThan(5);
    expect(manifest.keywords.length).toBeLessThanOrEqual(30); // the Marketplace's limit
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository.url).toMatch(/^https:\/\/github\.com\//);
    expect(manifest.extensionKind).toEqual(['workspace']);
    expect(manifest.enabledApiProposals).toBeUndefined(); // Open VSX and the Marketplace refuse proposed APIs
    expect(readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8')).toContain(`## ${manifest.version}`);
  });

  it('packs the icon, the changelog and the bundles into the .vsix, and no sources', async () => {
    const vsce = (...args: string[]) => promisify(execFile)(process.execPath, [join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), ...args], { cwd: repoRoot, encoding: 'utf8' });
    // One list, package.json `files`, for the npm tarball and the .vsix: vsce refuses a .vscodeignore beside it.
    expect(existsSync(join(repoRoot, '.vscodeignore'))).toBe(false);
    const out = join(mkdtempSync(join(tmpdir(), 'pinwise-vsix-')), 'pinwise.vsix');
    await vsce('package', '--no-dependencies', '--out', out);
    expect(statSync(out).size).toBeLessThan(3_000_000);
    const listed = (await vsce('ls', '--no-dependencies')).stdout.trim().split('\n');
    for (const needed of ['images/icon.png', 'CHANGELOG.md', 'README.md', 'LICENSE', 'dist/extension.js', 'dist/server.js', 'dist/kb.json']) expect(listed).toContain(needed);
    expect(listed.filter((path) => /^(server|client|test|scripts|node_modules)\/|\.map$/.test(path))).toEqual([]);
  }, 120_000);
});
