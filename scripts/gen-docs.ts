// Generates docs/rules/<id>.md and the README rule table from the rule registry.
// `--check` fails (exit 1) when a generated file differs, so docs never drift.
import { fileKindList } from '../server/src/engine/kinds';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeprecationLibrary } from '../server/src/engine/kb/deprecations';
import { rules } from '../server/src/engine/rules';
import type { Rule } from '../server/src/engine/rules/types';
import { loadKnowledgeBase } from '../server/src/host/knowledge-base';

const root = join(__dirname, '..');

/** One row per rules/deprecations/<file>.yaml: what the deprecated-api rule knows about each library. */
export function deprecationCoverage(): { file: string; library: string; entries: number; removed: number; deprecated: number; notes: number; newest: string }[] {
  const { documents } = loadKnowledgeBase(join(root, 'rules'));
  return Object.entries(documents)
    .filter(([key]) => key.startsWith('deprecations/'))
    .map(([key, document]) => {
      const library = document as Omit<DeprecationLibrary, 'key'>;
      const removed = library.entries.filter((e) => e.removed).length;
      const notes = library.entries.filter((e) => e.changed).length;
      return {
        file: key.slice('deprecations/'.length),
        library: library.library,
        entries: library.entries.length,
        removed,
        deprecated: library.entries.length - removed - notes,
        notes,
        newest: library.versions[library.versions.length - 1]!,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** The coverage table of docs/rules/deprecated-api.md and the README. */
export function deprecationTable(linkPrefix: string): string {
  const rows = deprecationCoverage();
  const total = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
  return [
    '| library | data | entries | removed | deprecated only | behaviour notes | newest version known |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.library} | [\`${r.file}.yaml\`](${linkPrefix}rules/deprecations/${r.file}.yaml) | ${r.entries} | ${r.removed} | ${r.deprecated} | ${r.notes} | ${r.newest} |`),
    `| **${rows.length} files** | | **${total((r) => r.entries)}** | ${total((r) => r.removed)} | ${total((r) => r.deprecated)} | ${total((r) => r.notes)} | |`,
  ].join('\n');
}

/** Generated sections appended to a rule's page, by rule id. */
const extraSections: Record<string, () => string> = {
  'deprecated-api': () =>
    `## Coverage\nEvery entry below has a fixture line in \`test/fixtures/deprecated-api/<file>/positive.py\` (see \`test/rules/deprecated-api-fixtures.test.ts\`).\n\n${deprecationTable('../../')}`,
};

export function rulePage(rule: Rule): string {
  const { id, defaultLevel, summary, fixable, status } = rule.meta;
  const facts = [`Default level: **${defaultLevel}**`, `Fixable: ${fixable ? 'yes' : 'no'}`];
  if (status === 'planned') facts.push('Status: planned');
  const extra = extraSections[id] ? `\n\n${extraSections[id]!().trim()}` : '';
  return `# ${id}\n\n${summary}\n\n${facts.join(' · ')}\n\n${rule.meta.docs.trim()}${extra}\n\n<!-- Generated from server/src/engine/rules/${id}.ts by \`npm run docs\`; do not edit. -->\n`;
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
const kindsStart = '<!-- file-kinds:start -->';
const kindsEnd = '<!-- file-kinds:end -->';

/** README's table of the file kinds read, from the file-kind registry. */
function fileKindTable(): string {
  const roles: Record<string, string> = {
    requirements: 'an install of its own, with its includes',
    declaration: 'the base install, each extra and group, the build environment',
    script: 'its commands in order (one environment per CI job or build stage)',
    none: 'read for the checks of its own kind',
  };
  const rows = fileKindList.map((spec) => `| ${spec.title} | ${spec.names} | ${roles[spec.environments]} | ${spec.comment === 'rem' ? '`REM pinwise: ignore[…]` / `:: pinwise: ignore[…]`' : spec.comment ? `\`${spec.comment} pinwise: ignore[…]\`` : '—'} |`);
  return ['| Kind | Read from | Its pins form | Suppression |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const coverageStart = '<!-- deprecations:start -->';
const coverageEnd = '<!-- deprecations:end -->';

/** Replaces the text between two markers (both kept); the text unchanged when they are absent. */
function between(text: string, start: string, end: string, body: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from >= 0 && to > from ? `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}` : text;
}

export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of rules) files.set(join(root, 'docs', 'rules', `${rule.meta.id}.md`), rulePage(rule));
  const readmePath = join(root, 'README.md');
  if (existsSync(readmePath)) {
    const readme = readFileSync(readmePath, 'utf8');
    files.set(readmePath, between(between(between(readme, startMarker, endMarker, rulesTable()), coverageStart, coverageEnd, deprecationTable('')), kindsStart, kindsEnd, fileKindTable()));
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
