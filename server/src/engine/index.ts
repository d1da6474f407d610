// Public surface of the engine: pure, no LSP, no I/O.
export { analyze, fixAll, safeEditsByFile, type AnalysisInput, type AnalysisResult } from './analyze';
export { appliedInBulk, applyEdits, bulkFix, type Applicability, type Edit, type Finding, type Fix, type Level, type PinChanges, type RelatedLocation } from './findings';
export { emptyKnowledgeBase, type KnowledgeBase } from './kb/types';
export { LineIndex, type Position } from './line-index';
export type * from './model';
export { fileKindOf, fileKindOfText } from './kinds';
export { parseRequirementsFile } from './parsers/requirements';
export type { Environment, Project } from './project';
export { ruleById, ruleDocsUrl, ruleIds, rules } from './rules';
export type { Rule, RuleMeta } from './rules/types';
export { defaultSettings, type Accelerator, type Settings, type SeverityOverride } from './settings';
export { hoverAt } from './hover';
