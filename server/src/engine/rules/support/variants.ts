// PyTorch wheel variants (the local tag after `+`, the last segment of an index URL): their
// family and the nearest published one. Pure and total.

/** The accelerator families other packages are matched against (onnxruntime builds); other tags (`xpu`, `cpu.cxx11.abi`) are left alone. */
export type VariantKind = 'cpu' | 'cuda' | 'rocm';

/** Every family of PyTorch wheel variant the torch rules judge: the accelerator families and Intel's `xpu`. */
export type VariantFamily = VariantKind | 'xpu';

/** The family of a PyTorch variant as the torch rules judge it (`xpu` included), or null. */
export function variantFamily(variant: string): VariantFamily | null {
  return variant === 'xpu' ? 'xpu' : variantKind(variant);
}

export function variantKind(variant: string): VariantKind | null {
  if (variant === 'cpu') return 'cpu';
  if (/^cu\d{2,3}$/.test(variant)) return 'cuda';
  if (/^rocm\d+(\.\d+){1,2}$/.test(variant)) return 'rocm';
  return null;
}

/** Numeric parts of a CUDA/ROCm variant (`cu121` → [12, 1], `rocm6.2.4` → [6, 2, 4]). */
export function variantVersion(variant: string): number[] {
  const cu = /^cu(\d+)(\d)$/.exec(variant);
  if (cu) return [Number(cu[1]), Number(cu[2])];
  const rocm = /^rocm(\d+(?:\.\d+)*)$/.exec(variant);
  if (rocm) return rocm[1]!.split('.').map(Number);
  return [];
}

/**
 * The published variant closest to `variant`: same kind; a ROCm tag whose published form drops
 * or adds a patch part first (`rocm5.7.1` → `rocm5.7`), otherwise the nearest version, the lower on a tie.
 */
export function nearestVariant(variant: string, published: readonly string[]): { variant: string; samePrefix: boolean } | null {
  const kind = variantKind(variant);
  if (!kind) return null;
  const candidates = published.filter((p) => variantKind(p) === kind && p !== variant);
  if (candidates.length === 0) return null;
  const want = variantVersion(variant);
  const prefix = candidates.find((c) => {
    const have = variantVersion(c);
    return have.length > 0 && have[0] === want[0] && have[1] === want[1];
  });
  if (prefix) return { variant: prefix, samePrefix: true };
  const score = (c: string) => {
    const v = variantVersion(c);
    return (v[0] ?? 0) * 100 + (v[1] ?? 0) + (v[2] ?? 0) / 100;
  };
  const target = score(variant);
  const sorted = [...candidates].sort((a, b) => Math.abs(score(a) - target) - Math.abs(score(b) - target) || score(a) - score(b));
  return { variant: sorted[0]!, samePrefix: false };
}
