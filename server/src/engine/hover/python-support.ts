// Hover on a pin whose releases have a known Python range: the lines it allows and the project's target Python.
import { torchFamily } from '../kb/torch';
import { pinRange } from '../rules/support/pins';
import { releaseLines, supports, supportText } from '../rules/support/python-lines';
import { rangesOverlap } from '../versions';
import type { HoverProvider } from './types';

export const pythonSupportHover: HoverProvider = (requirement, { project, kb }) => {
  const name = requirement.normalizedName;
  // The torch family's Python range is part of its release-row hover.
  if (!name || requirement.url !== null || (torchFamily as readonly string[]).includes(name)) return null;
  const lines = releaseLines(kb).get(name);
  if (!lines) return null;
  const range = pinRange(requirement);
  const allowed = lines.filter((line) => rangesOverlap(range, line.range));
  if (allowed.length === 0 || allowed.length > 6) return null; // an open range over every known line says nothing useful
  const target = project.targetPython;
  const targetText = target
    ? `Target Python ${target.version} (from ${target.source === 'settings' ? 'the settings' : target.source.file}): ${allowed.some((l) => supports(l, target.version)) ? 'supported' : '**no release this pin allows supports it**'}.`
    : 'The project names no target Python (`requires-python`, `.python-version`, or the `python` setting).';
  const sources = [...new Set(allowed.map((l) => l.source))].map((s) => `[${s}](${s})`);
  return [
    `**Python support**: ${allowed.map(supportText).filter((v, i, a) => a.indexOf(v) === i).join('; ')}.`,
    targetText,
    `Source${sources.length > 1 ? 's' : ''}: ${sources.join(' · ')}`,
  ].join('\n\n');
};
