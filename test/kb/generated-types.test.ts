// The hand-written views over rules/torch.yaml, variants.yaml and deprecations/*.yaml (owned beside
// the rules that read them) must describe exactly what their schemas let through: each is checked
// against the type generated from its schema (server/src/engine/kb/generated/, kept in step with the
// schemas by the build). `npm run typecheck` fails on a mismatch; the test keeps the assertions run.
import { describe, expect, it } from 'vitest';
import type { DeprecationsDocument } from '../../server/src/engine/kb/generated/deprecations';
import type { TorchDocument } from '../../server/src/engine/kb/generated/torch';
import type { VariantsDocument } from '../../server/src/engine/kb/generated/variants';
import type { DeprecationEntry, DeprecationLibrary } from '../../server/src/engine/kb/deprecations';
import type { StableAbiLine, TorchIndexConventions, TorchKnowledge, TorchRelease, VariantCoverage, VariantNaming } from '../../server/src/engine/kb/torch';
import type { VariantGroup } from '../../server/src/engine/kb/variants';

/** true when A and B accept the same values (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const checks = {
  torchRelease: true satisfies Same<TorchRelease, TorchDocument['releases'][number]>,
  torchIndexes: true satisfies Same<TorchIndexConventions, TorchDocument['indexes']>,
  torchVariantIndexes: true satisfies Same<TorchKnowledge['variantIndexes'][number], TorchDocument['variantIndexes'][number]>,
  torchStableAbi: true satisfies Same<StableAbiLine, NonNullable<TorchDocument['stableAbi']>[number]>,
  torchVariantNames: true satisfies Same<VariantNaming, TorchDocument['variantNames']['families'][number]>,
  torchVariantCoverage: true satisfies Same<VariantCoverage, NonNullable<TorchDocument['variantCoverage']>[number]>,
  variantGroup: true satisfies Same<VariantGroup, VariantsDocument['groups'][number]>,
  deprecationEntry: true satisfies Same<DeprecationEntry, DeprecationsDocument['entries'][number]>,
  deprecationLibrary: true satisfies Same<Omit<DeprecationLibrary, 'key'>, DeprecationsDocument>,
};

describe('hand-written knowledge-base types', () => {
  it('match the types generated from their schemas', () => {
    expect(Object.values(checks).every((v) => v === true)).toBe(true);
  });
});
