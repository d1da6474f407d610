// PyTorch wheel variants (the local tag after `+`, the last segment of an index URL): their family,
// read with the naming rules of rules/torch.yaml, and the nearest published one. Pure and total.
import type { TorchView, VariantFamily } from '../../kb/torch';

export type { VariantFamily } from '../../kb/torch';

/** The accelerator families other packages are matched against (onnxruntime builds); `xpu` is left alone. */
export type VariantKind = Exclude<VariantFamily, 'xpu'>;

/** The family of a PyTorch variant as the torch rules judge it (`xpu` included), or null. */
export function variantFamily(kb: TorchView | null, variant: string): VariantFamily | null {
  return kb?.variantFamily(variant) ?? null;
}

/** The family of a variant when it is one other packages are matched against (not `xpu`), or null. */
export function variantKind(kb: TorchView | null, variant: string): VariantKind | null {
  const family = variantFamily(kb, variant);
  return family === 'xpu' ? null : family;
}

/**
 * The published variant closest to `variant`: same family; a ROCm tag whose published form drops
 * or adds a patch part first (`rocm5.7.1` → `rocm5.7`), otherwise the nearest version, the lower on a tie.
 */
export function nearestVariant(kb: TorchView, variant: string, published: readonly string[]): { variant: string; samePrefix: boolean } | null {
  const kind = variantKind(kb, variant);
  if (!kind) return null;
  const candidates = published.filter((p) => variantKind(kb, p) === kind && p !== variant);
  if (candidates.length === 0) return null;
  const want = kb.variantVersion(variant);
  const prefix = candidates.find((c) => {
    const have = kb.variantVersion(c);
    return have.length > 0 && have[0] === want[0] && have[1] === want[1];
  });
  if (prefix) return { variant: prefix, samePrefix: true };
  const score = (c: string) => {
    const v = kb.variantVersion(c);
    return (v[0] ?? 0) * 100 + (v[1] ?? 0) + (v[2] ?? 0) / 100;
  };
  const target = score(variant);
  const sorted = [...candidates].sort((a, b) => Math.abs(score(a) - target) - Math.abs(score(b) - target) || score(a) - score(b));
  return { variant: sorted[0]!, samePrefix: false };
}
