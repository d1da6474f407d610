// The pyproject.toml side of the stack planner: a project that pins torch for one accelerator (a
// `+cu121` tag, or a PyTorch index its other files install from) but whose pyproject tells uv nothing
// about PyTorch's index gets `uv sync` wheels from PyPI instead. This is the edit that adds uv's index
// and sources for its pinned family, from the same data as `pinwise stack`.
import type { Edit } from './findings';
import { torchFamily, torchKnowledge } from './kb/torch';
import type { KnowledgeBase } from './kb/types';
import type { Project } from './project';
import { pytorchIndexVariant } from './rules/support/indexes';
import { exactVersion, localTag } from './rules/support/pins';
import { plannedFor, stackConventions, uvIndexConfiguration } from './stack';

export interface UvIndexPlan {
  variant: string;
  /** Why that variant: the pin's tag, or the index another file installs from. */
  from: string;
  edit: Edit;
}

const uvTables = /^\s*\[\[?\s*tool\.uv\.(?:index|sources)\s*\]\]?/m;

/** The edit that adds uv's PyTorch index configuration to `file`, or null when it has one or nothing says which build. */
export function uvIndexPlan(project: Project, kb: KnowledgeBase, file: string): UvIndexPlan | null {
  const parsed = project.parsed.get(file);
  const text = project.sources.get(file)?.text;
  const view = torchKnowledge(kb);
  if (!parsed || parsed.kind !== 'pyproject' || text === undefined || !view || uvTables.test(text)) return null;
  const family = parsed.requirements.filter((r) => !r.isConstraint && (torchFamily as readonly string[]).includes(r.normalizedName ?? ''));
  const torch = family.find((r) => r.normalizedName === 'torch' && exactVersion(r));
  const release = torch ? view.releaseOf('torch', exactVersion(torch)!.replace(/\+.*$/, '')) : undefined;
  if (!torch || !release || family.some((r) => r.indexes && r.indexes.length > 0)) return null;
  // The build: the pin's own tag, else the PyTorch index the project's other installs use.
  let variant = localTag(torch);
  let from = variant ? `${torch.name}'s +${variant}` : '';
  if (!variant) {
    for (const env of project.environments) {
      if (env.rootFile === file || env.installed) continue;
      const found = pytorchIndexVariant(env, kb);
      if (found) {
        variant = found.variant;
        from = `the index ${env.rootFile} installs from`;
        break;
      }
    }
  }
  if (!variant || !release.variants.includes(variant)) return null;
  const stack = plannedFor(view, release, variant);
  const packages = torchFamily.filter((pkg) => family.some((r) => r.normalizedName === pkg));
  const block = uvIndexConfiguration(stack, stackConventions(kb), packages);
  const separator = text.length === 0 || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return { variant, from, edit: { file, span: { start: text.length, end: text.length }, text: separator + block } };
}
