// The stack planner: which torch / torchvision / torchaudio, variant and index fit a Python and an
// accelerator, from the knowledge base alone, and the ready-to-paste forms of that answer. Pure.
import { safeSatisfies, torchKnowledge, type TorchRelease, type TorchView, type VariantFamily } from './kb/torch';
import type { StackDocument } from './kb/generated/stack';
import type { KnowledgeBase } from './kb/types';
import { compareVersions } from './versions';

export interface StackRequest {
  /** `2.5` (newest 2.5.x) or `2.5.1`; absent: the newest that fits. */
  torch?: string;
  /** `3.12`; absent: any Python the release supports. */
  python?: string;
  /** A family (`cpu`, `cuda`, `rocm`, `xpu`: its newest variant) or a variant (`cu121`, `rocm6.2`). */
  accelerator: string;
}

export interface PlannedStack {
  torch: string;
  torchvision: string;
  /** Null when no torchaudio release is known to install with this torch. */
  torchaudio: string | null;
  /** Whether torchaudio is published per variant (before its stable-ABI line) and so carries the tag. */
  torchaudioTagged: boolean;
  variant: string;
  family: VariantFamily;
  indexUrl: string;
  python: { min: string; max: string };
  source: string;
}

export type StackAnswer = { ok: true; stack: PlannedStack } | { ok: false; reason: string; nearest: PlannedStack[] };

/** How uv's sources are gated per family and which packages bots move together (rules/stack.yaml). */
export type StackConventions = StackDocument;

export function stackConventions(kb: KnowledgeBase): StackConventions | null {
  const doc = kb.documents['stack'] as Partial<StackDocument> | undefined;
  return doc && doc.families && doc.bots ? (doc as StackDocument) : null;
}

const minorOf = (version: string) => version.split('.').slice(0, 2).join('.');
const pythonFits = (release: TorchRelease, python: string | undefined) =>
  python === undefined || (compareVersions(python, release.python.min) >= 0 && compareVersions(python, release.python.max) <= 0);

function torchMatches(release: TorchRelease, wanted: string | undefined): boolean {
  if (wanted === undefined) return true;
  return wanted.split('.').length >= 3 ? compareVersions(release.torch, wanted) === 0 : minorOf(release.torch) === wanted;
}

/**
 * Whether an accelerator request names something the knowledge base can read: a variant family
 * (`cpu`, `cuda`, `rocm`, `xpu`) or a name one family's `variantNames` pattern reads (`cu126`,
 * `rocm7.2`). `pinwise stack` and `pinwise upgrade` check `--accelerator` with it.
 */
export function isAcceleratorName(view: TorchView | null, name: string): boolean {
  if (!view) return false;
  return (view.variantFamilies() as string[]).includes(name) || view.variantFamily(name) !== null;
}

/** The variant of a release an accelerator asks for: itself, or a family's newest. */
export function releaseVariant(view: TorchView, release: TorchRelease, accelerator: string): string | null {
  if (release.variants.includes(accelerator)) return accelerator;
  if (!(view.variantFamilies() as string[]).includes(accelerator)) return null;
  const family = release.variants.filter((v) => view.variantFamily(v) === accelerator);
  const newest = (a: string, b: string) => {
    const [x, y] = [view.variantVersion(a), view.variantVersion(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  };
  return family.sort(newest)[0] ?? null;
}

function torchaudioFor(view: TorchView, release: TorchRelease): { version: string | null; tagged: boolean } {
  if (release.torchaudio) return { version: release.torchaudio, tagged: true };
  const compatible = view.stableAbi
    .filter((line) => line.package === 'torchaudio')
    .flatMap((line) => line.releases.filter(() => safeSatisfies(release.torch, line.torch)))
    .sort(compareVersions);
  return { version: compatible.pop() ?? null, tagged: false };
}

/** A release row as a planned stack on one of its variants. */
export function plannedFor(view: TorchView, release: TorchRelease, variant: string): PlannedStack {
  const audio = torchaudioFor(view, release);
  return {
    torch: release.torch,
    torchvision: release.torchvision,
    torchaudio: audio.version,
    torchaudioTagged: audio.tagged,
    variant,
    family: view.variantFamily(variant) ?? 'cpu',
    indexUrl: view.indexUrl(variant),
    python: release.python,
    source: release.source,
  };
}

/** The newest release row (or the named one) that has the accelerator's variant and supports the Python. */
export function planStack(kb: KnowledgeBase, request: StackRequest): StackAnswer {
  const view = torchKnowledge(kb);
  if (!view) return { ok: false, reason: 'The knowledge base has no PyTorch data.', nearest: [] };
  const named = view.releases.filter((r) => torchMatches(r, request.torch));
  if (named.length === 0) return { ok: false, reason: `torch ${request.torch} is not a release Pinwise knows (newest known: ${view.newestKnown('torch') ?? 'none'}).`, nearest: [] };
  for (const release of named) {
    const variant = releaseVariant(view, release, request.accelerator);
    if (variant && pythonFits(release, request.python)) return { ok: true, stack: plannedFor(view, release, variant) };
  }
  // Nothing fits: say which condition fails, and offer what comes closest on either side.
  const withVariant = named.filter((r) => releaseVariant(view, r, request.accelerator));
  const withPython = named.filter((r) => pythonFits(r, request.python));
  let reason: string;
  if (withVariant.length === 0) {
    reason = `Pinwise knows no ${request.accelerator} build of ${request.torch ? `torch ${request.torch}` : 'any PyTorch release'}.`;
  } else {
    const span = (rs: TorchRelease[]) => `${rs[rs.length - 1]!.torch}–${rs[0]!.torch}`;
    const pythons = withVariant.map((r) => `${r.python.min}–${r.python.max}`).filter((v, i, a) => a.indexOf(v) === i);
    reason = `${request.accelerator} builds exist for torch ${span(withVariant)}, for Python ${pythons.join(', ')}; none for Python ${request.python}.`;
    if (withPython.length > 0) reason += ` Python ${request.python} wheels exist for torch ${span(withPython)}.`;
  }
  const nearest: PlannedStack[] = [];
  const newestWithVariant = withVariant[0];
  if (newestWithVariant) nearest.push(plannedFor(view, newestWithVariant, releaseVariant(view, newestWithVariant, request.accelerator)!));
  const family = view.variantFamily(request.accelerator) ?? (view.variantFamilies().find((f) => f === request.accelerator) ?? null);
  for (const release of withPython) {
    if (nearest.length >= 3) break;
    const variant = family ? releaseVariant(view, release, family) : null;
    // One suggestion per torch minor: the newest patch release says it.
    if (variant && !nearest.some((n) => minorOf(n.torch) === minorOf(release.torch))) nearest.push(plannedFor(view, release, variant));
  }
  return { ok: false, reason, nearest };
}

/** The pins of a planned stack; with local tags for files (`torch==2.5.1+cu121`), without for PyTorch's own command form. */
export function stackPins(stack: PlannedStack, tagged: boolean): string[] {
  const tag = tagged ? `+${stack.variant}` : '';
  const pins = [`torch==${stack.torch}${tag}`, `torchvision==${stack.torchvision}${tag}`];
  if (stack.torchaudio) pins.push(`torchaudio==${stack.torchaudio}${stack.torchaudioTagged ? tag : ''}`);
  return pins;
}

export interface StackForms {
  requirements: string;
  pip: string;
  uvPip: string;
  pyproject: string;
  conda: string;
}

/**
 * uv's configuration that installs the stack's PyTorch packages from its index: the index, explicit
 * (only the packages sourced from it come from it), and one source per package, gated by the
 * family's platforms (rules/stack.yaml).
 */
export function uvIndexConfiguration(stack: PlannedStack, conventions: StackConventions | null, packages?: readonly string[]): string {
  const family = conventions?.families[stack.family];
  const indexName = `pytorch-${stack.variant}`;
  const marker = family?.marker;
  const source = (pkg: string) => `${pkg} = [{ index = "${indexName}"${marker ? `, marker = "${marker}"` : ''} }]`;
  const sourced = packages ?? ['torch', 'torchvision', ...(stack.torchaudio ? ['torchaudio'] : [])];
  return ['[[tool.uv.index]]', `name = "${indexName}"`, `url = "${stack.indexUrl}"`, 'explicit = true', '', '[tool.uv.sources]', ...[...sourced, ...(family?.alsoFromIndex ?? [])].map(source), ''].join('\n');
}

/** Ready-to-paste forms of a planned stack. */
export function stackForms(stack: PlannedStack, conventions: StackConventions | null, python?: string): StackForms {
  const tagged = stackPins(stack, true);
  const plain = stackPins(stack, false);
  const requirements = [`--extra-index-url ${stack.indexUrl}`, ...tagged].join('\n') + '\n';
  const pip = `pip install ${plain.join(' ')} --index-url ${stack.indexUrl}`;
  const uvPip = `uv pip install ${plain.join(' ')} --index-url ${stack.indexUrl}`;
  const family = conventions?.families[stack.family];
  const helpers = family?.alsoFromIndex ?? [];
  const marker = family?.marker;
  const pyproject = [
    '[project]',
    'dependencies = [',
    ...plain.map((p) => `  "${p}",`),
    ...helpers.map((h) => `  "${h}${marker ? ` ; ${marker}` : ''}",`),
    ']',
    '',
    uvIndexConfiguration(stack, conventions),
  ].join('\n');
  const conda = [
    'dependencies:',
    `  - python=${python ?? stack.python.max}`,
    '  - pip',
    '  - pip:',
    `    - --extra-index-url ${stack.indexUrl}`,
    ...tagged.map((p) => `    - ${p}`),
    '',
  ].join('\n');
  return { requirements, pip, uvPip, pyproject, conda };
}

/** A Renovate packageRules group and a Dependabot groups block that keep the torch family in one update. */
export function botConfigs(conventions: StackConventions): { renovate: string; dependabot: string } {
  const { packages, groupName } = conventions.bots;
  const renovate = JSON.stringify({ packageRules: [{ matchPackageNames: packages, groupName }] }, null, 2) + '\n';
  const dependabot = [
    'version: 2',
    'updates:',
    '  - package-ecosystem: "pip"',
    '    directory: "/"',
    '    schedule:',
    '      interval: "weekly"',
    '    groups:',
    `      ${groupName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}:`,
    '        patterns:',
    ...packages.map((p) => `          - "${p}"`),
    '',
  ].join('\n');
  return { renovate, dependabot };
}
