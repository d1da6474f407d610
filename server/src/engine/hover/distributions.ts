// Hover on a distribution that shares its import package with others (onnxruntime-gpu, opencv-python-headless, …).
import { variantGroups } from '../kb/variants';
import type { HoverProvider } from './types';

export const distributionsHover: HoverProvider = (requirement, { kb }) => {
  const name = requirement.normalizedName;
  if (!name) return null;
  const group = variantGroups(kb).find((g) => g.distributions.some((d) => d.name === name));
  if (!group) return null;
  const others = group.distributions.filter((d) => d.name !== name).map((d) => `\`${d.name}\``);
  return [
    `**Installs \`import ${group.import}\`**, like ${others.join(', ')}: install only one of them per environment; the last one installed overwrites the others' files.`,
    group.note ?? '',
    `Source: [${group.source}](${group.source})`,
  ].filter(Boolean).join('\n\n');
};
