// Hover on a declared pin: what each installed environment of the project has for it.
import { satisfies } from '../versions';
import type { HoverProvider } from './types';

export const installedHover: HoverProvider = (requirement, { project }) => {
  const name = requirement.normalizedName;
  if (!name || project.installed.length === 0 || requirement.origin.section === 'installed') return null;
  const lines: string[] = [];
  for (const env of project.installed) {
    const dist = env.distributions.find((d) => d.normalizedName === name);
    if (!dist) {
      lines.push(`**Installed**: not in \`${env.label}\`.`);
      continue;
    }
    const verdict =
      requirement.clauses.length === 0 ? '' : satisfies(dist.version, requirement.clauses, { prereleases: true }) ? ' (satisfies this pin)' : ' (**does not satisfy this pin**)';
    lines.push(`**Installed**: ${dist.version} in \`${env.label}\`${verdict}.`);
  }
  return lines.join('\n\n');
};
