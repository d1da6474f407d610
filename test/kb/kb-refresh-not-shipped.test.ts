// The knowledge-base refresh is the one program that goes online: it must stay out of what ships
// (the CLI, the language server, the extension and the .vsix).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run-cli';
import { repoRoot } from '../support/analyze';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.[cm]?[jt]s$/.test(entry) ? [full] : [];
  });
}

describe('kb:refresh is never shipped', () => {
  it('is no entry point of the build', () => {
    const build = readFileSync(join(repoRoot, 'scripts/build.mjs'), 'utf8');
    const entries = [...build.matchAll(/entryPoints:\s*\[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((e) => e[1]!));
    expect(entries).toContain('server/src/cli/bin.ts');
    expect(entries.filter((e) => e.includes('kb-refresh'))).toEqual([]);
  });

  it('is imported by nothing under server/src or client/src', () => {
    for (const file of [...sourceFiles(join(repoRoot, 'server/src')), ...sourceFiles(join(repoRoot, 'client/src'))]) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/kb-refresh/);
    }
  });

  it('is in none of the bundles, and the files list holds no scripts', () => {
    ensureBuilt();
    for (const bundle of ['cli.js', 'server.js', 'extension.js']) {
      const text = readFileSync(join(repoRoot, 'dist', bundle), 'utf8');
      expect(text, bundle).not.toContain('pinwise-kb-refresh');
      expect(text, bundle).not.toContain('application/vnd.pypi.simple.v1+json');
    }
    // package.json `files` is the one list of what the npm package and the .vsix hold.
    const { files } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(files.filter((l) => /scripts|kb-refresh/.test(l))).toEqual([]);
  });
});

describe('the scheduled refresh', () => {
  it('runs kb:refresh on a schedule and opens a pull request', () => {
    const workflow = readFileSync(join(repoRoot, '.github/workflows/kb-refresh.yml'), 'utf8');
    expect(workflow).toMatch(/schedule:\n\s+- cron: '[^']+'/);
    expect(workflow).toContain('npm run --silent kb:refresh -- --summary');
    expect(workflow).toContain('peter-evans/create-pull-request@');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['kb:refresh']).toBe('tsx scripts/kb-refresh/main.ts');
  });
});
