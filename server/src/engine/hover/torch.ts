// Hover on torch / torchvision / torchaudio: the PyTorch release row the pin belongs to, the
// stable-ABI line of a torchaudio / torchvision that no longer moves with torch, and the date the
// data is current to (a pin beyond it says so instead of showing nothing).
import { knowledgeDate } from '../kb/knowledge';
import { safeCompare, safeSatisfies, torchFamily, torchKnowledge, type TorchFamilyPackage, type TorchRelease, type TorchView } from '../kb/torch';
import { exactVersion, localTag, publicSpecifier } from '../rules/support/pins';
import type { HoverProvider } from './types';

export const torchHover: HoverProvider = (requirement, { kb }) => {
  const view = torchKnowledge(kb);
  const pkg = requirement.normalizedName as TorchFamilyPackage | null;
  if (!view || !pkg || !torchFamily.includes(pkg)) return null;
  const date = knowledgeDate(kb);
  const dateLine = `Pinwise's PyTorch knowledge is current to ${date ?? 'an unknown date'} (newest torch ${view.newestKnown('torch') ?? '?'}).`;
  const spec = publicSpecifier(requirement);
  const exact = exactVersion(requirement);
  const line = exact && pkg !== 'torch' ? view.stableAbiLineOf(pkg, exact) : undefined;
  if (line) {
    const known = line.releases.some((r) => safeCompare(r, exact!) === 0);
    return [
      `**${pkg} ${exact}**: built against PyTorch's stable ABI`,
      '',
      `Installs with every torch \`${line.torch}\` (not only one release row).${known ? '' : ` ${pkg} ${exact} itself is not in the knowledge base.`}`,
      '',
      dateLine,
      '',
      `Sources: [compatibility](${line.source})${line.releasesSource ? ` · [releases](${line.releasesSource})` : ''}`,
    ].join('\n');
  }
  const rows = view.releasesMatching(pkg, spec);
  const row = rows[0];
  if (!row) {
    if (!exact || !view.isBeyondKnowledge(pkg, exact)) return null;
    return [`**${pkg} ${exact}** is newer than Pinwise's knowledge: not checked.`, '', dateLine].join('\n');
  }
  const tag = localTag(requirement);
  const python = `${row.python.min}–${row.python.max}${row.python.experimental?.length ? ` (${row.python.experimental.join(', ')} experimental)` : ''}`;
  const indexVariant = tag && row.variants.includes(tag) ? tag : null;
  const lines = [
    `**PyTorch ${row.torch}** release${rows.length > 1 ? ` (newest of ${rows.length} matching \`${requirement.specifier}\`)` : ''}`,
    '',
    `| torch | torchvision | torchaudio | Python |`,
    `| --- | --- | --- | --- |`,
    `| ${row.torch} | ${row.torchvision} | ${torchaudioCell(view, row)} | ${python} |`,
    '',
    `Wheel variants: ${row.variants.map((v) => `\`+${v}\``).join(' ')}`,
    '',
    indexVariant
      ? `Index for \`+${indexVariant}\`: \`--index-url ${view.indexUrl(indexVariant)}\``
      : `Index: \`--index-url ${view.indexUrl('<variant>')}\` (e.g. \`${view.indexUrl(row.variants.includes('cpu') ? 'cpu' : row.variants[0]!)}\`)`,
    '',
    dateLine,
    '',
    `Sources: [release](${row.source}) · [Python support](${row.pythonSource})${row.variantSource ? ` · [variant index](${row.variantSource})` : ''}`,
  ];
  return lines.join('\n');
};

/** The torchaudio cell: the row's own, or the stable-ABI torchaudio releases that install with its torch. */
function torchaudioCell(view: TorchView, row: TorchRelease): string {
  if (row.torchaudio) return row.torchaudio;
  const fitting = view.stableAbiReleasesMatching('torchaudio', '').filter(({ line }) => safeSatisfies(row.torch, line.torch));
  if (fitting.length === 0) return '—';
  const newest = fitting.map((f) => f.version).sort(safeCompare).pop()!;
  return `${newest} (any torch \`${fitting[0]!.line.torch}\`)`;
}
