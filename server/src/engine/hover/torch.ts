// Hover on torch / torchvision / torchaudio: the PyTorch release row the pin belongs to.
import { torchFamily, torchKnowledge, type TorchFamilyPackage } from '../kb/torch';
import { localTag, publicSpecifier } from '../rules/support/pins';
import type { HoverProvider } from './types';

export const torchHover: HoverProvider = (requirement, { kb }) => {
  const view = torchKnowledge(kb);
  const pkg = requirement.normalizedName as TorchFamilyPackage | null;
  if (!view || !pkg || !torchFamily.includes(pkg)) return null;
  const rows = view.releasesMatching(pkg, publicSpecifier(requirement));
  const row = rows[0];
  if (!row) return null;
  const tag = localTag(requirement);
  const python = `${row.python.min}–${row.python.max}${row.python.experimental?.length ? ` (${row.python.experimental.join(', ')} experimental)` : ''}`;
  const indexVariant = tag && row.variants.includes(tag) ? tag : null;
  const lines = [
    `**PyTorch ${row.torch}** release${rows.length > 1 ? ` (newest of ${rows.length} matching \`${requirement.specifier}\`)` : ''}`,
    '',
    `| torch | torchvision | torchaudio | Python |`,
    `| --- | --- | --- | --- |`,
    `| ${row.torch} | ${row.torchvision} | ${row.torchaudio} | ${python} |`,
    '',
    `Wheel variants: ${row.variants.map((v) => `\`+${v}\``).join(' ')}`,
    '',
    indexVariant
      ? `Index for \`+${indexVariant}\`: \`--index-url ${view.indexUrl(indexVariant)}\``
      : `Index: \`--index-url ${view.indexUrl('<variant>')}\` (e.g. \`${view.indexUrl(row.variants.includes('cpu') ? 'cpu' : row.variants[0]!)}\`)`,
    '',
    `Sources: [release](${row.source}) · [Python support](${row.pythonSource})${row.variantSource ? ` · [variant index](${row.variantSource})` : ''}`,
  ];
  return lines.join('\n');
};
