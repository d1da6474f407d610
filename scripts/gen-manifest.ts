// Generates the parts of the manifest that list rules and file kinds, from the registries: the
// rule registry (select/ignore enums, one severity setting per rule) and the file-kind registry
// (activation events, the pip-requirements language's file names, the client's document
// selector). `--check` fails (exit 1) when either file differs, so neither ever drifts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { activatingGlobs, documentSelector, fileKindList, fileKinds, notebookTypes, preCommitFilesPattern } from '../server/src/engine/kinds';
import { ruleDocsUrl, ruleIds } from '../server/src/engine/rules';

const root = join(__dirname, '..');
export const manifestPath = join(root, 'package.json');
/** The client's document selector, imported by client/src/extension.ts. */
export const selectorPath = join(root, 'client', 'src', 'generated', 'document-selector.json');

type Json = Record<string, unknown>;

const severityLevels = ['default', 'off', 'note', 'warning', 'error'];
const severityDescriptions = ['The rule\'s own level', 'Turn the rule off', 'Report as information', 'Report as a warning', 'Report as an error'];

function severitySetting(id: string): Json {
  return {
    type: 'string',
    scope: 'resource',
    enum: severityLevels,
    default: 'default',
    enumDescriptions: severityDescriptions,
    markdownDescription: `Level of [\`${id}\`](${ruleDocsUrl(id)}) findings.`,
  };
}

export function generatedManifest(current: Json): Json {
  const manifest = structuredClone(current) as Json & { contributes: Json & { configuration: Json & { properties: Json }; languages: Json[] }; activationEvents: string[] };
  const properties = manifest.contributes.configuration.properties;

  // Rule lists and one severity setting per rule, where the hand-written ones were.
  const rebuilt: Json = {};
  let severitiesPlaced = false;
  for (const [key, value] of Object.entries(properties)) {
    if (key.startsWith('pinwise.severity.')) {
      if (!severitiesPlaced) for (const id of ruleIds) rebuilt[`pinwise.severity.${id}`] = severitySetting(id);
      severitiesPlaced = true;
      continue;
    }
    if (key === 'pinwise.select' || key === 'pinwise.ignore' || key === 'pinwise.fixAll.includePinChanges') {
      const setting = value as Json & { items: Json };
      rebuilt[key] = { ...setting, items: { ...setting.items, enum: [...ruleIds] } };
      continue;
    }
    rebuilt[key] = value;
  }
  if (!severitiesPlaced) for (const id of ruleIds) rebuilt[`pinwise.severity.${id}`] = severitySetting(id);
  manifest.contributes.configuration.properties = rebuilt;

  // File kinds: documents of a kind's languages, and workspaces holding a declaration, start it.
  const languages = [...new Set(fileKindList.flatMap((spec) => spec.languages))];
  manifest.activationEvents = [
    ...languages.map((language) => `onLanguage:${language}`),
    ...notebookTypes.map((type) => `onNotebook:${type}`),
    ...activatingGlobs.map((glob) => `workspaceContains:${glob}`),
  ];
  const requirements = manifest.contributes.languages.find((language) => language['id'] === 'pip-requirements');
  if (requirements) {
    // A pattern without `/` matches the file name, in any folder.
    requirements['filenamePatterns'] = fileKinds.requirements.globs.map((glob) => (glob.slice(3).includes('/') ? glob : glob.replace(/^\*\*\//, '')));
  }
  return manifest;
}

export function manifestText(): { current: string; generated: string } {
  const current = readFileSync(manifestPath, 'utf8');
  return { current, generated: JSON.stringify(generatedManifest(JSON.parse(current) as Json), null, 2) + '\n' };
}

/** The pre-commit hook's `files:` line, rewritten in place (the rest of the file is hand-written). */
export const preCommitPath = join(root, '.pre-commit-hooks.yaml');
export function preCommitText(): { current: string | null; generated: string } {
  const current = existsSync(preCommitPath) ? readFileSync(preCommitPath, 'utf8') : null;
  // Single-quoted YAML: a quote is doubled, nothing else is special.
  const line = `  files: '${preCommitFilesPattern().replace(/'/g, "''")}'`;
  return { current, generated: (current ?? '').replace(/^  files: .*$/m, () => line) };
}

export function selectorText(): { current: string | null; generated: string } {
  const generated = JSON.stringify(documentSelector(), null, 2) + '\n';
  return { current: existsSync(selectorPath) ? readFileSync(selectorPath, 'utf8') : null, generated };
}

if (require.main === module) {
  for (const [path, { current, generated }] of [[manifestPath, manifestText()], [selectorPath, selectorText()], [preCommitPath, preCommitText()]] as const) {
    if (process.argv.includes('--check')) {
      if (current !== generated) {
        console.error(`out of date: ${path} (generated from the rule and file-kind registries). Run \`npm run manifest\` to regenerate.`);
        process.exitCode = 1;
      }
    } else if (current !== generated) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, generated);
      console.log(`wrote ${path}`);
    }
  }
}
