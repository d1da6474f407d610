// Hover on a pin: every provider that knows the package contributes a Markdown section.
// Hover on a name in a .py file: the deprecation entry it hits, if any.
import type { KnowledgeBase } from '../kb/types';
import type { Span } from '../model';
import type { Project } from '../project';
import { deprecationHover } from './deprecation';
import { distributionsHover } from './distributions';
import { installedHover } from './installed';
import { numpyAbiHover } from './numpy-abi';
import { pythonSupportHover } from './python-support';
import { torchHover } from './torch';
import type { HoverProvider } from './types';

/** Registered providers for pins, in the order their sections appear; each lives in its own file beside this one. */
export const hoverProviders: HoverProvider[] = [torchHover, distributionsHover, numpyAbiHover, pythonSupportHover, installedHover];

export function hoverAt(project: Project, kb: KnowledgeBase, file: string, offset: number): { markdown: string; span: Span } | null {
  const parsed = project.parsed.get(file);
  if (!parsed) return null;
  if (parsed.kind === 'python') return deprecationHover(project, kb, file, offset);
  const requirement = parsed.requirements.find((r) => r.span.start <= offset && offset <= r.span.end);
  if (!requirement) return null;
  const sections = hoverProviders.map((provide) => provide(requirement, { project, kb })).filter((s): s is string => !!s);
  if (sections.length === 0) return null;
  return { markdown: sections.join('\n\n---\n\n'), span: requirement.span };
}
