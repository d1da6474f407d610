// Where deprecated-api's time goes on a tree of .py files (a measurement, not a test), one thread:
// the byte prefilter, the token scan, the tree-sitter parse, the reference extraction (walk + resolution) and the
// rule's matching, each summed over the files; and which libraries' prefilters let files through.
//
// With --scan-only, the files the token scan passes are counted, not parsed (the prefilter and scan phases alone).
//
//   npx tsx scripts/profile-python.ts DIR [--top 10] [--scan-only]
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pythonFiles } from './python-files';
import { analyze, defaultSettings } from '../server/src/engine';
import { parseBounded } from '../server/src/engine/grammars';
import { deprecationLibraries } from '../server/src/engine/kb/deprecations';
import { parseFile } from '../server/src/engine/kinds';
import { scanPython } from '../server/src/engine/parsers/python-scan';
import { judge, scanQuery } from '../server/src/engine/rules/support/deprecations';
import type { ParseCache } from '../server/src/engine/project';
import { loadGrammars } from '../server/src/host/grammars';
import { loadKnowledgeBase } from '../server/src/host/knowledge-base';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: profile-python.ts DIR [--top N] [--scan-only]');
  const top = Number(process.argv[process.argv.indexOf('--top') + 1] || 10);
  const scanOnly = process.argv.includes('--scan-only');
  const kb = loadKnowledgeBase(join(__dirname, '..', 'rules'));
  const grammars = await loadGrammars();
  const settings = defaultSettings({ select: ['deprecated-api'] });
  const paths = pythonFiles(dir);
  paths.sort();
  // Unpinned, as the benchmark runs it: the entries that apply to each library's newest known version,
  // without behaviour changes (a note needs pins), as deprecated-api selects them.
  const libraries = deprecationLibraries(kb).flatMap((library) => {
    const entries = library.entries.filter((e) => judge(e, [library.versions[library.versions.length - 1]!]) !== null && !e.changed);
    return entries.length > 0 ? [{ library, mayMatch: library.prefilter(entries), query: scanQuery(library, entries) }] : [];
  });
  const passedBy = new Map<string, number>();
  const time = { read: 0, prefilter: 0, scan: 0, parse: 0, extract: 0, match: 0 };
  let parsedFiles = 0;
  let prefiltered = 0;
  let references = 0;
  const slowest: { file: string; ms: number }[] = [];
  for (const path of paths) {
    let t = performance.now();
    const text = readFileSync(path, 'utf8');
    time.read += performance.now() - t;
    t = performance.now();
    const prefilterPassing = libraries.filter((l) => l.mayMatch(text));
    time.prefilter += performance.now() - t;
    const file = relative(dir, path);
    if (prefilterPassing.length === 0) continue;
    prefiltered++;
    // The token scan, as deprecated-api runs it after the prefilter.
    t = performance.now();
    const scan = scanPython(text);
    const passing = prefilterPassing.filter((l) => scan.mayReach(l.query));
    time.scan += performance.now() - t;
    for (const l of passing) passedBy.set(l.library.library, (passedBy.get(l.library.library) ?? 0) + 1);
    if (passing.length === 0) continue;
    parsedFiles++;
    if (scanOnly) continue;
    // The parse alone, then the whole extraction (parse + walk + resolution): the difference is the walk.
    t = performance.now();
    const parser = new grammars.Parser();
    parser.setLanguage(grammars.python);
    parseBounded(parser, text)?.delete();
    parser.delete();
    const parseMs = performance.now() - t;
    time.parse += parseMs;
    const source = { path: file, text };
    const parsed = parseFile(source, 'python', grammars);
    t = performance.now();
    references += parsed.python!.references().length;
    const extractMs = performance.now() - t;
    time.extract += extractMs - parseMs;
    // Matching: analyze() with the references already extracted (a parse cache holding this parse).
    const parseCache: ParseCache = new Map([[file, { text, kind: 'python', grammars, parsed }]]);
    t = performance.now();
    analyze({ files: [source], settings, kb, grammars, parseCache });
    time.match += performance.now() - t;
    slowest.push({ file, ms: extractMs });
  }
  const total = Object.values(time).reduce((a, b) => a + b, 0);
  const lines = [
    `${paths.length} files; ${prefiltered} pass the byte prefilter, ${parsedFiles} the token scan and are parsed; ${references} references`,
    ...Object.entries(time).map(([phase, ms]) => `  ${phase.padEnd(10)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${((100 * ms) / total).toFixed(1).padStart(5)}%`),
    `files each library's prefilter and scan let through: ${[...passedBy].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(', ')}`,
    `slowest extractions: ${slowest.sort((a, b) => b.ms - a.ms).slice(0, top).map((s) => `${s.file} ${s.ms.toFixed(0)} ms`).join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
