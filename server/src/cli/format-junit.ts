// JUnit XML, which most CI systems show as test results: one test suite per file with findings,
// one failing test case per finding (a clean run is one passing case).
import type { LocatedFinding } from './report';

/** XML text or attribute content: the five special characters escaped, characters XML 1.0 forbids dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function formatJunit(located: readonly LocatedFinding[]): string {
  const byFile = new Map<string, LocatedFinding[]>();
  for (const item of located) {
    if (!byFile.has(item.uri)) byFile.set(item.uri, []);
    byFile.get(item.uri)!.push(item);
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="pinwise" tests="${Math.max(located.length, 1)}" failures="${located.length}">`];
  if (located.length === 0) {
    lines.push('  <testsuite name="pinwise" tests="1" failures="0" errors="0">', '    <testcase name="pinwise check" classname="pinwise"/>', '  </testsuite>');
  }
  for (const [file, items] of byFile) {
    lines.push(`  <testsuite name="${escapeXml(file)}" tests="${items.length}" failures="${items.length}" errors="0">`);
    for (const item of items) {
      const where = `${file}:${item.region.startLine}:${item.region.startColumn}`;
      const { ruleId, level, message } = item.finding;
      lines.push(
        `    <testcase name="${escapeXml(`${ruleId} at ${where}`)}" classname="${escapeXml(`pinwise.${ruleId}`)}" file="${escapeXml(file)}" line="${item.region.startLine}">`,
        `      <failure message="${escapeXml(message)}" type="${level}">${escapeXml(`${where}: ${level}: ${message} (${ruleId})`)}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
