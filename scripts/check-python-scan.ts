// Checks (a measurement aid, not a test) that the token scan never rules out a reference the tree
// walk reports, on every .py file under DIR: for each reference, the scan asked for its module and
// last name (or keyword) must say "maybe". Prints the misses and how often the scan says no.
//
// With --mutate N, every tenth file is also checked in N broken variants (a random cut, or a quote,
// bracket, `#`, backslash or newline put in at a random place; seeded, so runs repeat). Each file is
// also asked what deprecated-api asks (each library's query, all entries): the "no" answers are
// counted, and with --answers FILE every answer is written there, to compare two versions of the scan.
//
//   npx tsx scripts/check-python-scan.ts DIR [--mutate N] [--answers FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pythonFiles } from './python-files';
import { pythonReferences } from '../server/src/engine/parsers/python';
import { referenceQuery, scanPython } from '../server/src/engine/parsers/python-scan';
import { deprecationLibraries } from '../server/src/engine/kb/deprecations';
import { scanQuery } from '../server/src/engine/rules/support/deprecations';
import { loadGrammars } from '../server/src/host/grammars';
import { loadKnowledgeBase } from '../server/src/host/knowledge-base';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const mutations = Number(process.argv[process.argv.indexOf('--mutate') + 1] || 0);
  const answersFile = process.argv.includes('--answers') ? process.argv[process.argv.indexOf('--answers') + 1] : undefined;
  const queries = deprecationLibraries(loadKnowledgeBase(join(__dirname, '..', 'rules'))).map((library) => ({ name: library.library, query: scanQuery(library, library.entries) }));
  const answers: string[] = [];
  let asked = 0;
  let no = 0;
  let seed = 1;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const inserts = ['"', "'", '"""', '(', ')', '[', '#', '\\', 'f"{', '}', '\n', '.', '=', ':'];
  const grammars = await loadGrammars();
  const paths = pythonFiles(dir);
  let references = 0;
  let misses = 0;
  let unsure = 0;
  let scanMs = 0;
  const variants: { path: string; text: string }[] = [];
  paths.sort().forEach((path, index) => {
    const text = readFileSync(path, 'utf8');
    variants.push({ path, text });
    if (index % 10 !== 0 || text.length === 0) return;
    for (let m = 0; m < mutations; m++) {
      const at = random(text.length);
      const kind = random(inserts.length + 1);
      variants.push({ path: `${path}~${m}`, text: kind === inserts.length ? text.slice(0, at) + text.slice(at + 1 + random(3)) : text.slice(0, at) + inserts[kind] + text.slice(at) });
    }
  });
  for (const { path, text } of variants) {
    let t = performance.now();
    const scan = scanPython(text);
    scanMs += performance.now() - t;
    if (scan.unsure) unsure++;
    t = performance.now();
    const said = queries.map(({ query }) => scan.mayReach(query));
    scanMs += performance.now() - t;
    asked += said.length;
    no += said.filter((s) => !s).length;
    if (answersFile) answers.push(`${relative(dir, path)} ${scan.unsure ? 'unsure' : said.map((s) => (s ? 1 : 0)).join('')}`);
    for (const ref of pythonReferences(text, grammars)) {
      references++;
      if (scan.mayReach(referenceQuery(ref))) continue;
      misses++;
      if (misses <= 20 && process.env.DUMP) writeFileSync(`/tmp/miss-${misses}.py`, text);
      if (misses <= 20) process.stdout.write(`MISS ${relative(dir, path)} ${ref.kind} ${ref.path} ${ref.kind === 'keyword' ? ref.keyword : ''} @${ref.span.start}\n`);
    }
  }
  if (answersFile) writeFileSync(answersFile, `${answers.join('\n')}\n`);
  process.stdout.write(
    `${variants.length} files, ${references} references, ${misses} ruled out wrongly; ${unsure} files the scan could not read; ` +
      `${no} of ${asked} library queries answered no; scan ${(scanMs / 1000).toFixed(2)} s\n`,
  );
  process.exitCode = misses > 0 ? 1 : 0;
}

void main();
