// PyTorch's release-candidate channel (`/whl/test/<variant>`, rules/torch.yaml `indexes.test`): its
// path is no variant, so neither the index rules nor the variant rules judge it.
import { describe, expect, it } from 'vitest';
import { check } from '../support/analyze';

describe('the release-candidate channel', () => {
  it('is not an unknown index nor a variant mismatch', () => {
    const files = { 'requirements.txt': '--index-url https://download.pytorch.org/whl/test/cu128\ntorch==2.8.0\n' };
    const ids = check(files, { select: ['unknown-wheel-variant', 'index-variant-mismatch'] }).map((f) => f.ruleId);
    expect(ids).toEqual([]);
    // The channel's root, as some installers write it beside the stable root.
    const root = { 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/test/\n--extra-index-url https://download.pytorch.org/whl/\ntorch==2.8.0\n' };
    expect(check(root, { select: ['unknown-wheel-variant', 'index-variant-mismatch'] }).map((f) => f.ruleId)).toEqual([]);
  });

  it('leaves the stable index beside it judged', () => {
    const files = { 'requirements.txt': '--index-url https://download.pytorch.org/whl/cu999\ntorch==2.8.0\n' };
    expect(check(files, { select: ['unknown-wheel-variant'] }).map((f) => f.ruleId)).toEqual(['unknown-wheel-variant']);
  });
});
