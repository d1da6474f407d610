// The rule registry: every rule id of CONTRACTS.md, in the contract's order.
import { deprecatedApi } from './deprecated-api';
import { distributionConflict } from './distribution-conflict';
import { environmentDrift } from './environment-drift';
import { inconsistentPins } from './inconsistent-pins';
import { indexVariantMismatch } from './index-variant-mismatch';
import { knownIncompatible } from './known-incompatible';
import { localTagMismatch } from './local-tag-mismatch';
import { numpyAbiMismatch } from './numpy-abi-mismatch';
import { pythonVersionUnsupported } from './python-version-unsupported';
import { requirementConflict } from './requirement-conflict';
import { syntaxError } from './syntax-error';
import { torchFamilyMismatch } from './torch-family-mismatch';
import type { Rule } from './types';
import { unknownWheelVariant } from './unknown-wheel-variant';
import { unquotedSpecifier } from './unquoted-specifier';
import { unresolvedInclude } from './unresolved-include';
import { unusedSuppression } from './unused-suppression';

export const rules: readonly Rule[] = [
  syntaxError,
  unresolvedInclude,
  torchFamilyMismatch,
  localTagMismatch,
  indexVariantMismatch,
  unknownWheelVariant,
  distributionConflict,
  numpyAbiMismatch,
  pythonVersionUnsupported,
  inconsistentPins,
  requirementConflict,
  knownIncompatible,
  deprecatedApi,
  unquotedSpecifier,
  environmentDrift,
  // Last: it judges the ignore comments by what every other rule reported.
  unusedSuppression,
];

export const ruleIds: readonly string[] = rules.map((rule) => rule.meta.id);

export function ruleById(id: string): Rule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}

/** Where each rule's page lives; used for SARIF helpUri and LSP codeDescription. */
export function ruleDocsUrl(id: string): string {
  return `https://github.com/pinwise-dev/pinwise/blob/main/docs/rules/${id}.md`;
}
