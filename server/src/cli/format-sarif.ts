// SARIF 2.1.0, as CONTRACTS.md describes it.
import { ruleDocsUrl, rules } from '../engine/rules';
import type { BaselineEntry, BaselineState } from './baseline';
import type { LocatedFinding, Region } from './report';

const sarifRegion = (region: Region) => ({ ...region });

/** With a baseline: each result's state, and the baseline's findings no longer found (`absent`). */
export interface SarifBaseline {
  states: readonly BaselineState[];
  absent: readonly BaselineEntry[];
}

/** `knowledgeDate`: the date the knowledge base is current to (CONTRACTS.md: `tool.driver.properties.knowledgeDate`). */
export function formatSarif(
  located: readonly LocatedFinding[],
  version: string,
  internalErrors: readonly string[] = [],
  knowledgeDate: string | null = null,
  baseline?: SarifBaseline,
): string {
  const catalog = rules.map((rule) => ({
    id: rule.meta.id,
    name: rule.meta.id,
    shortDescription: { text: rule.meta.summary },
    fullDescription: { text: rule.meta.summary + (rule.meta.status === 'planned' ? ' (planned: reports nothing yet)' : '') },
    helpUri: ruleDocsUrl(rule.meta.id),
    help: { text: rule.meta.docs, markdown: rule.meta.docs },
    defaultConfiguration: { level: rule.meta.defaultLevel },
  }));
  const ruleIndex = new Map(catalog.map((rule, index) => [rule.id, index]));
  const results: object[] = located.map((item, index) => ({
    ruleId: item.finding.ruleId,
    ruleIndex: ruleIndex.get(item.finding.ruleId),
    level: item.finding.level,
    message: { text: item.finding.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: item.uri }, region: sarifRegion(item.region) } }],
    // CONTRACTS.md: a notebook finding's region is in the .ipynb text; these say which cell and line.
    ...(item.finding.cell ? { properties: { cell: item.finding.cell.number, cellLine: item.finding.cell.line } } : {}),
    ...(item.related.length > 0
      ? {
          relatedLocations: item.related.map((related, id) => ({
            id,
            message: { text: related.message },
            physicalLocation: { artifactLocation: { uri: related.uri }, region: sarifRegion(related.region) },
          })),
        }
      : {}),
    ...(item.fixes.length > 0
      ? {
          fixes: item.fixes.map((fix) => ({
            description: { text: fix.applicability === 'safe' ? fix.title : `${fix.title} (${fix.applicability === 'manual' ? 'manual' : 'changes what is installed'}: review before applying)` },
            properties: { applicability: fix.applicability },
            artifactChanges: fix.changes.map((change) => ({
              artifactLocation: { uri: change.uri },
              replacements: change.replacements.map((replacement) => ({
                deletedRegion: sarifRegion(replacement.region),
                insertedContent: { text: replacement.text },
              })),
            })),
          })),
        }
      : {}),
    ...(baseline ? { baselineState: baseline.states[index] } : {}),
  }));
  for (const entry of baseline?.absent ?? []) {
    results.push({
      ruleId: entry.ruleId,
      ...(ruleIndex.has(entry.ruleId) ? { ruleIndex: ruleIndex.get(entry.ruleId) } : {}),
      level: entry.level,
      message: { text: entry.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: entry.file }, region: { startLine: entry.line } } }],
      baselineState: 'absent',
    });
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pinwise',
            version,
            informationUri: 'https://github.com/pinwise-dev/pinwise',
            ...(knowledgeDate ? { properties: { knowledgeDate } } : {}),
            rules: catalog,
          },
        },
        invocations: [
          {
            executionSuccessful: internalErrors.length === 0,
            toolExecutionNotifications: internalErrors.map((text) => ({ level: 'error', message: { text } })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
