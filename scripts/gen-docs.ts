// Generates docs/rules/<id>.md and the README rule table from the rule registry.
// `--check` fails (exit 1) when a generated file differs, so docs never drift.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../server/src/engine/rules';
import type { Rule } from '../server/src/engine/rules/types';

const root = join(__dirname, '..');

export function rulePage(rule: Rule): string {
  const { id, defaultLevel, summary, fixable, status } = rule.meta;
  const facts = [`Default level: **${defaultLevel}**`, `Fixable: ${fixable ? 'yes' : 'no'}`];
  if (status === 'planned') facts.push('Status: planned');
  return `# ${id}\n\n${summary}\n\n${facts.join(' · ')}\n\n${rule.meta.docs.trim()}\n\n<!-- Generated from server/src/engine/rules/${id}.ts by \`npm run docs\`; do not edit. -->\n`;
}

export function rulesTable(): string {
  const rows = rules.map(
    (rule) =>
      `| [\`${rule.meta.id}\`](docs/rules/${rule.meta.id}.md) | ${rule.meta.defaultLevel} | ${rule.meta.fixable ? 'yes' : ''} | ${rule.meta.status === 'planned' ? '*planned* — ' : ''}${rule.meta.summary.replace(/\|/g, '\\|')} |`,
  );
  return ['| rule | level | fix | what it flags |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const startMarker = '<!-- rules:start -->';
const endMarker = '<!-- rules:end -->';

export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of rules) files.set(join(root, 'docs', 'rules', `${rule.meta.id}.md`), rulePage(rule));
  const readmePath = join(root, 'README.md');
  if (existsSync(readmePath)) {
    const readme = readFileSync(readmePath, 'utf8');
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    if (start >= 0 && end > start) {
      files.set(readmePath, `${readme.slice(0, start + startMarker.length)}\n${rulesTable()}\n${readme.slice(end)}`);
    }
  }
  return files;
}

if (require.main === module) {
  const checkOnly = process.argv.includes('--check');
  let stale = 0;
  for (const [path, text] of generatedFiles()) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current === text) continue;
    if (checkOnly) {
      console.error(`out of date: ${path}`);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  if (checkOnly && stale > 0) {
    console.error('Run `npm run docs` to regenerate.');
    process.exitCode = 1;
  }
}
