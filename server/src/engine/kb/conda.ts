// Typed view of rules/conda.yaml (validated by rules/schema/conda.schema.json; types generated from it):
// the PyPI name of a conda package, and the PyTorch variant a selector package or a build string chooses.
import type { CondaNames } from '../parsers/conda';
import type { CondaDocument } from './generated/conda';
import type { KnowledgeBase } from './types';

const cache = new WeakMap<object, CondaNames>();

/** The conda name knowledge, or undefined without rules/conda.yaml (conda names then stay as written). */
export function condaNames(kb: KnowledgeBase): CondaNames | undefined {
  const doc = kb.documents['conda'] as Partial<CondaDocument> | undefined;
  if (!doc || !Array.isArray(doc.packages) || !Array.isArray(doc.selectors) || !Array.isArray(doc.builds)) return undefined;
  let view = cache.get(doc);
  if (!view) {
    view = build(doc as CondaDocument);
    cache.set(doc, view);
  }
  return view;
}

function build(doc: CondaDocument): CondaNames {
  const pypi = new Map(doc.packages.map((p) => [p.conda, p.pypi]));
  const selectors = new Map(doc.selectors.map((s) => [s.conda, s.variant]));
  const builds: { pattern: RegExp; variant: string }[] = [];
  for (const b of doc.builds) {
    try {
      builds.push({ pattern: new RegExp(b.pattern), variant: b.variant });
    } catch {
      // The build's knowledge-base check rejects a bad pattern; a hand-loaded one is skipped.
    }
  }
  return {
    pypiName: (name) => pypi.get(name) ?? null,
    selectorVariant(name, version) {
      const template = selectors.get(name);
      if (template === undefined) return undefined;
      if (!template.includes('{')) return template;
      const parts = /^(\d+)\.(\d+)/.exec(version ?? '');
      if (!parts) return null;
      return template.replace('{major}', parts[1]!).replace('{minor}', parts[2]!);
    },
    buildVariant(text) {
      for (const { pattern, variant } of builds) {
        const m = pattern.exec(text);
        if (m) return variant.replace(/\{(\d)\}/g, (_, i: string) => m[Number(i)] ?? '');
      }
      return null;
    },
  };
}

/** A conda channel that stopped publishing the torch family (rules/conda.yaml `retiredChannels`). */
export interface RetiredChannel {
  channel: string;
  /** The last torch release line (`2.5`) it published. */
  lastTorch: string;
  source: string;
}

export function retiredCondaChannels(kb: KnowledgeBase): RetiredChannel[] {
  const doc = kb.documents['conda'] as Partial<CondaDocument> | undefined;
  return Array.isArray(doc?.retiredChannels) ? doc.retiredChannels : [];
}
