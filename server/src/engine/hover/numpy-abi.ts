// Hover on numpy and on packages with compiled extensions: which side of the NumPy 1.x / 2.x ABI line the pin is on.
import { numpyAbi, type NumpyAbiPackage } from '../kb/numpy-abi';
import type { Requirement } from '../model';
import { pinRange, pinsOf } from '../rules/support/pins';
import { rangeReachesAtOrAbove, rangeReachesBelow } from '../versions';
import type { HoverProvider } from './types';
import { pushAll } from '../arrays';

/** Which builds a pin of `entry` allows: NumPy-1 builds only, NumPy-2 builds only, or both. */
function side(requirement: Requirement, entry: NumpyAbiPackage): 'numpy1' | 'numpy2' | 'both' | null {
  const range = pinRange(requirement);
  if (range.empty || requirement.url !== null) return null;
  const old = rangeReachesBelow(range, entry.first_numpy2_build);
  const built2 = rangeReachesAtOrAbove(range, entry.first_numpy2_build);
  return old && built2 ? 'both' : built2 ? 'numpy2' : 'numpy1';
}

/** What each side means for the pin; the cap is the data's (`numpy1Cap`). */
const sideText = (cap: string) => ({
  numpy1: `every release it allows was built against NumPy 1.x and needs \`numpy${cap}\``,
  numpy2: 'every release it allows is built against NumPy 2 and runs on NumPy 1.x and 2.x',
  both: 'it allows releases on both sides; pip picks the newest, built against NumPy 2',
});

export const numpyAbiHover: HoverProvider = (requirement, { project, kb }) => {
  const abi = numpyAbi(kb);
  const name = requirement.normalizedName;
  if (!abi || !name) return null;
  const entry = abi.packages.find((p) => p.name === name);
  if (entry) {
    const where = side(requirement, entry);
    return [
      `**NumPy ABI line**: ${entry.name} ${entry.first_numpy2_build} is its first release built against NumPy 2.`,
      where ? `\`${requirement.name}${requirement.specifier}\`: ${sideText(abi.numpy1Cap)[where]}.` : '',
      entry.note ?? '',
      `Source: [${entry.source}](${entry.source})`,
    ].filter(Boolean).join('\n\n');
  }
  if (name !== 'numpy') return null;
  // numpy itself: the compiled packages installed beside this pin, and their side of the line.
  const rows = new Map<string, string>();
  for (const env of project.environments) {
    if (!env.requirements.includes(requirement) && !env.constraints.includes(requirement)) continue;
    for (const candidate of abi.packages) {
      for (const pin of pinsOf(env, candidate.name, { constraints: false })) {
        const where = side(pin, candidate);
        if (!where) continue;
        const label = `\`${pin.name}${pin.specifier}\``;
        const text = where === 'numpy1' ? `built against NumPy 1.x (first NumPy 2 build: ${candidate.first_numpy2_build})` : where === 'numpy2' ? 'built against NumPy 2' : `either side (first NumPy 2 build: ${candidate.first_numpy2_build})`;
        rows.set(label, `| ${label} | ${text} | [source](${candidate.source}) |`);
      }
    }
  }
  const lines = [`**NumPy ABI line**: NumPy ${abi.numpy2.replace(/\.0$/, '')} changed the ABI; extensions built against NumPy 1.x fail to import under NumPy 2.`];
  if (rows.size > 0) pushAll(lines, ['', '| installed beside it | built against | |', '| --- | --- | --- |', ...rows.values()]);
  return lines.join('\n');
};
