// Checks the knowledge base for meaning, beyond its JSON schemas: every version field parses as a
// PEP 440 version, every specifier as a PEP 440 specifier set, every marker as a PEP 508 marker,
// every URL as an https URL, every pattern as a regular expression. A schema pattern cannot say this (an invalid specifier would silently
// match every version or none), so the build runs this over rules/ with the file and line of each
// problem. Pure: it reads YAML text handed to it.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseMarker } from '../markers';
import { isValidVersion, specifierError } from '../versions';

/** What a string field means. `text` and `name` are free text and identifiers: not checked here. */
export type FieldMeaning = 'version' | 'python-minor' | 'specifier' | 'marker' | 'url' | 'url-template' | 'date' | 'regex' | 'text';

/**
 * The meaning of every string field in rules/, by document (`requires`, `deprecations` for every file
 * under rules/deprecations/) and path (`*` is any list item or any key). A field missing here is
 * reported by {@link unclassifiedFields}, so a new field cannot slip past the check.
 */
export const fieldMeanings: Record<string, Record<string, FieldMeaning>> = {
  requires: {
    'requirements/*/package': 'text',
    'requirements/*/versions': 'specifier',
    'requirements/*/requires': 'text',
    'requirements/*/specifier': 'specifier',
    'requirements/*/marker': 'marker',
    'requirements/*/local_tags/*': 'text',
    'requirements/*/source': 'url',
    'requirements/*/evidence/*': 'url',
  },
  'python-support': {
    'packages/*/name': 'text',
    'packages/*/releases/*/versions': 'specifier',
    'packages/*/releases/*/python/min': 'python-minor',
    'packages/*/releases/*/python/max': 'python-minor',
    'packages/*/releases/*/source': 'url',
  },
  'numpy-abi': {
    numpy2: 'version',
    numpy1Cap: 'specifier',
    source: 'url',
    'packages/*/name': 'text',
    'packages/*/first_numpy2_build': 'version',
    'packages/*/source': 'url',
    'packages/*/note': 'text',
    'packages/*/follows': 'text',
  },
  'known-incompatible': {
    'pairs/*/id': 'text',
    'pairs/*/package': 'text',
    'pairs/*/affected': 'specifier',
    'pairs/*/fixed_in': 'version',
    'pairs/*/with': 'text',
    'pairs/*/with_versions': 'specifier',
    'pairs/*/reason': 'text',
    'pairs/*/advice': 'text',
    'pairs/*/source': 'url',
  },
  python: {
    'minors/*/version': 'python-minor',
    'minors/*/source': 'url',
  },
  torch: {
    'indexes/host': 'text',
    'indexes/stable': 'url-template',
    'indexes/nightly': 'url-template',
    'indexes/test': 'url-template',
    'indexes/testSource': 'url',
    'indexes/legacyFindLinks/*/url': 'url-template',
    'indexes/legacyFindLinks/*/source': 'url',
    'indexes/source': 'url',
    'indexes/pypi/*/url': 'url',
    'indexes/pypi/*/source': 'url',
    'variantNames/families/*/family': 'text',
    'variantNames/families/*/pattern': 'regex',
    'variantNames/families/*/name': 'text',
    'variantNames/source': 'url',
    'variantIndexes/*/names/*': 'text',
    'variantIndexes/*/source': 'url',
    'releases/*/torch': 'version',
    'releases/*/torchvision': 'version',
    'releases/*/torchaudio': 'version',
    'releases/*/python/min': 'python-minor',
    'releases/*/python/max': 'python-minor',
    'releases/*/python/experimental/*': 'python-minor',
    'releases/*/variants/*': 'text',
    'releases/*/source': 'url',
    'releases/*/pythonSource': 'url',
    'releases/*/variantSource': 'url',
    'variantIndexes/*/channel': 'text',
    'variantCoverage/*/family': 'text',
    'variantCoverage/*/fromTorch': 'version',
    'variantCoverage/*/note': 'text',
    'variantCoverage/*/source': 'url',
    'stableAbi/*/package': 'text',
    'stableAbi/*/from': 'version',
    'stableAbi/*/torch': 'specifier',
    'stableAbi/*/releases/*': 'version',
    'stableAbi/*/source': 'url',
    'stableAbi/*/releasesSource': 'url',
    'stableAbi/*/note': 'text',
    'stableAbi/*/sameCudaMajorFrom': 'version',
  },
  'docker-images': {
    'images/*/repository': 'text',
    'images/*/title': 'text',
    'images/*/names/*': 'text',
    'images/*/tags/*/pattern': 'regex',
    'images/*/tags/*/example': 'text',
    'images/*/tags/*/preinstalled/*': 'text',
    'images/*/tags/*/accelerator': 'text',
    'images/*/tags/*/source': 'url',
    'images/*/tags/*/sourceDetail': 'url',
    'images/*/tags/*/note': 'text',
    'images/*/pythonByTorch/*/torch': 'specifier',
    'images/*/pythonByTorch/*/python': 'python-minor',
    'images/*/pythonByTorch/*/source': 'url',
    'images/*/pythonByTorch/*/sourceDetail': 'url',
    'images/*/pythonByTorch/*/note': 'text',
  },
  conda: {
    'packages/*/conda': 'text',
    'packages/*/pypi': 'text',
    'packages/*/source': 'url',
    'selectors/*/conda': 'text',
    'selectors/*/variant': 'text',
    'selectors/*/source': 'url',
    'builds/*/pattern': 'text',
    'builds/*/variant': 'text',
    'builds/*/source': 'url',
    'retiredChannels/*/channel': 'text',
    'retiredChannels/*/lastTorch': 'version',
    'retiredChannels/*/note': 'text',
    'retiredChannels/*/source': 'url',
  },
  knowledge: {
    knowledgeDate: 'date',
    source: 'url',
  },
  stack: {
    source: 'url',
    'families/*/marker': 'marker',
    'families/*/alsoFromIndex/*': 'text',
    'bots/packages/*': 'text',
    'bots/groupName': 'text',
    'bots/source': 'url',
  },
  variants: {
    'groups/*/id': 'text',
    'groups/*/import': 'text',
    'groups/*/source': 'url',
    'groups/*/note': 'text',
    'groups/*/distributions/*/name': 'text',
    'groups/*/distributions/*/accelerator': 'text',
    'groups/*/distributions/*/platform': 'text',
    'groups/*/distributions/*/platformSource': 'url',
  },
  deprecations: {
    library: 'text',
    distribution: 'text',
    'modules/*': 'text',
    'versions/*': 'version',
    'factories/*': 'text',
    'entries/*/symbol': 'text',
    'entries/*/kind': 'text',
    'entries/*/keyword': 'text',
    'entries/*/deprecated': 'version',
    'entries/*/removed': 'version',
    'entries/*/restored': 'version',
    'entries/*/changed': 'version',
    'entries/*/unlessKeyword': 'text',
    'entries/*/parameters/*': 'text',
    'entries/*/note': 'text',
    'entries/*/source': 'url',
    'entries/*/replacement/kind': 'text',
    'entries/*/replacement/to': 'text',
    'entries/*/replacement/values/*': 'text',
    'entries/*/replacement/prependArguments/*': 'text',
    'entries/*/replacement/since': 'version',
    'entries/*/replacement/hint': 'text',
  },
};

export interface MeaningProblem {
  /** 1-based line and column of the value in the file. */
  line: number;
  column: number;
  /** The field, e.g. `requirements[3].specifier`. */
  field: string;
  message: string;
}

interface StringLeaf {
  path: (string | number)[];
  value: string;
  offset: number;
}

/** Every string scalar of a YAML document with its path and offset. */
function stringLeaves(node: Node | null, path: (string | number)[], out: StringLeaf[]): void {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      stringLeaves(pair.value as Node | null, [...path, key], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => stringLeaves(item as Node | null, [...path, i], out));
  } else if (isScalar(node) && typeof node.value === 'string') {
    out.push({ path, value: node.value, offset: node.range?.[0] ?? 0 });
  }
}

/** `requires` for `requires.yaml`, `deprecations` for `deprecations/numpy.yaml`. */
export function documentKind(key: string): string {
  const slash = key.indexOf('/');
  return slash === -1 ? key : key.slice(0, slash);
}

function meaningOf(kind: string, path: (string | number)[]): FieldMeaning | undefined {
  const table = fieldMeanings[kind];
  if (!table) return undefined;
  for (const [pattern, meaning] of Object.entries(table)) {
    const parts = pattern.split('/');
    if (parts.length === path.length && parts.every((p, i) => p === '*' || p === String(path[i]))) return meaning;
  }
  return undefined;
}

function fieldName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why `value` does not mean what `meaning` says, or null when it does. */
export function meaningError(meaning: FieldMeaning, value: string): string | null {
  switch (meaning) {
    case 'version':
      return isValidVersion(value) && value.trim() === value ? null : 'is not a PEP 440 version';
    case 'python-minor':
      return /^3\.\d+$/.test(value) ? null : 'is not a CPython minor version (3.N)';
    case 'specifier': {
      const why = specifierError(value);
      return why === null ? null : `is not a PEP 440 specifier set (${why})`;
    }
    case 'marker': {
      const parsed = parseMarker(value);
      return parsed.ok ? null : `is not a PEP 508 marker (${parsed.message})`;
    }
    case 'url':
      return urlError(value);
    case 'url-template':
      return value.includes('{variant}') || !value.includes('{') ? urlError(value.replace(/\{variant\}/g, 'cpu')) : 'has a placeholder other than {variant}';
    case 'date': {
      const m = isoDate.exec(value);
      const date = m ? new Date(`${value}T00:00:00Z`) : null;
      return date && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? null : 'is not a date (YYYY-MM-DD)';
    }
    case 'regex':
      try {
        new RegExp(value, 'd');
        return null;
      } catch (error) {
        return `is not a regular expression (${(error as Error).message})`;
      }
    case 'text':
      return null;
  }
}

function urlError(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return 'is not an https URL';
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname)) return 'has no valid host';
  if (/\s/.test(value)) return 'is not a URL (it contains white space)';
  return null;
}

/**
 * The meaning problems of one rules/ document. `key` is its path under rules/ without extension.
 * YAML syntax errors are reported too (the schema check would only see a parse failure).
 */
export function checkDocumentMeaning(key: string, text: string): MeaningProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  const problems: MeaningProblem[] = [];
  for (const error of doc.errors) {
    const pos = lines.linePos(error.pos[0]);
    problems.push({ line: pos.line, column: pos.col, field: '', message: error.message.split('\n')[0]! });
  }
  const leaves: StringLeaf[] = [];
  stringLeaves(doc.contents as Node | null, [], leaves);
  const kind = documentKind(key);
  for (const leaf of leaves) {
    const meaning = meaningOf(kind, leaf.path);
    if (!meaning) continue;
    const why = meaningError(meaning, leaf.value);
    if (why === null) continue;
    const pos = lines.linePos(leaf.offset);
    problems.push({ line: pos.line, column: pos.col, field: fieldName(leaf.path), message: `${JSON.stringify(leaf.value)} ${why}` });
  }
  return problems;
}

/** String fields of a document that {@link fieldMeanings} does not classify (`releases[*].notes`). */
export function unclassifiedFields(key: string, text: string): string[] {
  const leaves: StringLeaf[] = [];
  stringLeaves(parseDocument(text).contents as Node | null, [], leaves);
  const kind = documentKind(key);
  const out = new Set<string>();
  for (const leaf of leaves) {
    if (!meaningOf(kind, leaf.path)) out.add(leaf.path.map((p) => (typeof p === 'number' ? '*' : p)).join('/'));
  }
  return [...out];
}
