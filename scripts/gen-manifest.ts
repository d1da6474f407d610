// Generates the parts of package.json that list rules and file kinds, from the registries: the
// rule registry (select/ignore enums, one severity setting per rule) and the file kinds the
// language server watches (activation events, the pip-requirements language's file names).
// `--check` fails (exit 1) when package.json differs, so the manifest never drifts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileKindOf } from '../server/src/engine/parsers';
import { ruleDocsUrl, ruleIds } from '../server/src/engine/rules';
import { watchedGlobs } from '../server/src/lsp/server';

const root = join(__dirname, '..');
export const manifestPath = join(root, 'package.json');

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

/** The kind a watched glob stands for, read from a path it matches (`**\/*requirements*.{txt,in}` -> requirements.txt). */
function kindOfGlob(glob: string): string | null {
  const sample = glob.replace(/^\*\*\//, '').replace(/\{([^,}]*)[^}]*\}/g, '$1').replace(/\*/g, '');
  return fileKindOf(sample);
}

/** Workspaces holding dependency declarations start the extension; scripts and .py files alone do not. */
const activatingKinds = new Set(['requirements', 'pyproject']);

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
    if (key === 'pinwise.select' || key === 'pinwise.ignore') {
      const setting = value as Json & { items: Json };
      rebuilt[key] = { ...setting, items: { ...setting.items, enum: [...ruleIds] } };
      continue;
    }
    rebuilt[key] = value;
  }
  if (!severitiesPlaced) for (const id of ruleIds) rebuilt[`pinwise.severity.${id}`] = severitySetting(id);
  manifest.contributes.configuration.properties = rebuilt;

  // File kinds: what the server watches decides what activates the extension and what is highlighted.
  const onLanguage = manifest.activationEvents.filter((event) => event.startsWith('onLanguage:'));
  const workspaceContains = watchedGlobs.filter((glob) => activatingKinds.has(kindOfGlob(glob) ?? '')).map((glob) => `workspaceContains:${glob}`);
  manifest.activationEvents = [...onLanguage, ...workspaceContains];
  const requirements = manifest.contributes.languages.find((language) => language['id'] === 'pip-requirements');
  if (requirements) {
    // A pattern without `/` matches the file name, in any folder.
    requirements['filenamePatterns'] = watchedGlobs.filter((glob) => kindOfGlob(glob) === 'requirements').map((glob) => (glob.slice(3).includes('/') ? glob : glob.replace(/^\*\*\//, '')));
  }
  return manifest;
}

export function manifestText(): { current: string; generated: string } {
  const current = readFileSync(manifestPath, 'utf8');
  return { current, generated: JSON.stringify(generatedManifest(JSON.parse(current) as Json), null, 2) + '\n' };
}

if (require.main === module) {
  const { current, generated } = manifestText();
  if (process.argv.includes('--check')) {
    if (current !== generated) {
      console.error('out of date: package.json (rule and file-kind contributions). Run `npm run manifest` to regenerate.');
      process.exitCode = 1;
    }
  } else if (current !== generated) {
    writeFileSync(manifestPath, generated);
    console.log(`wrote ${manifestPath}`);
  }
}
