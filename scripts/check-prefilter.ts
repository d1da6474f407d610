// Checks (a measurement aid, not a test) that the byte prefilter gives the answers of the regexes it
// replaced (test/kb/prefilter-reference.ts) on every .py file under DIR, for every library and each
// entry subset deprecated-api asks about (prefilterSubsets). Prints the disagreements: "lost" where
// the reference passes a file and the prefilter does not (a finding could be lost), "extra" the other
// way; and each side's time on the 'all' subsets.
//
//   npx tsx scripts/check-prefilter.ts DIR
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pythonFiles } from './python-files';
import { deprecationLibraries } from '../server/src/engine/kb/deprecations';
import { judge } from '../server/src/engine/rules/support/deprecations';
import { loadKnowledgeBase } from '../server/src/host/knowledge-base';
import { prefilterSubsets, referencePrefilter } from '../test/kb/prefilter-reference';

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: check-prefilter.ts DIR');
  const kb = loadKnowledgeBase(join(__dirname, '..', 'rules'));
  const files = pythonFiles(dir)
    .sort()
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  let checks = 0;
  let lost = 0;
  let extra = 0;
  let passed = 0;
  const ms = { reference: 0, prefilter: 0 };
  const checkers = deprecationLibraries(kb).flatMap((library) =>
    prefilterSubsets(library, (e, versions) => judge(e, versions) !== null).map(({ name, entries }) => ({
      name: `${library.library} ${name}`,
      timed: name === 'all',
      reference: referencePrefilter(library.modules, entries),
      prefilter: library.prefilter(entries),
    })),
  );
  // File by file, as the rule asks: every library's prefilter about one text in a row.
  for (const { path, text } of files) {
    for (const c of checkers) {
      let t = performance.now();
      const want = c.reference(text);
      if (c.timed) ms.reference += performance.now() - t;
      t = performance.now();
      const got = c.prefilter(text);
      if (c.timed) ms.prefilter += performance.now() - t;
      checks++;
      if (want) passed++;
      if (want === got) continue;
      if (want) lost++;
      else extra++;
      if (lost + extra <= 20) process.stdout.write(`${want ? 'LOST' : 'EXTRA'} ${c.name}: ${relative(dir, path)}\n`);
    }
  }
  process.stdout.write(
    `${files.length} files × ${checkers.length} library subsets: ${checks} answers, ${passed} passes by the reference; ${lost} lost, ${extra} extra; ` +
      `'all' subsets: reference ${(ms.reference / 1000).toFixed(2)} s, prefilter ${(ms.prefilter / 1000).toFixed(2)} s\n`,
  );
  process.exitCode = lost + extra > 0 ? 1 : 0;
}

main();
