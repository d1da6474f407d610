import type { Edit, Fix, RelatedLocation } from '../findings';
import type { ParsedFile, Requirement } from '../model';
import { kindSpec } from '../kinds';
import { compareVersions, localTag, pinnedVersion, publicVersion, satisfies } from '../versions';
import { torchFamily, torchKnowledge, type TorchFamilyPackage } from '../kb/torch';
import { defineRule } from './define';
import { canInstallTogether, exactVersion } from './support/pins';
import { pytorchIndexVariant } from './support/indexes';
import { deploymentOf, vendoredModule } from '../layout';
import type { RuleContext } from './types';

interface Pin {
  requirement: Requirement;
  file: ParsedFile;
  /** The version as written in the pin (`2.3.1+cu121`). */
  version: string;
  /** Its public part, normalised (`2.3.1`): what the comparison is about. */
  public: string;
  /** A prefix pin (`==1.24.*`, conda's `numpy=1.24`): `public` is the prefix, and it agrees with every version under it. */
  wildcard?: boolean;
}

/** Whether two pins name versions one install can satisfy both of: equal, or one under the other's prefix. */
function agree(a: Pin, b: Pin): boolean {
  if (!a.wildcard && !b.wildcard) return compareVersions(a.public, b.public) === 0;
  const under = (version: string, prefix: string) => satisfies(version, [{ operator: '==', version: `${prefix}.*` }]);
  if (a.wildcard && b.wildcard) return under(a.public, b.public) || under(b.public, a.public);
  return a.wildcard ? under(b.public, a.public) : under(a.public, b.public);
}

const maxRelated = 10;

/**
 * Whether pinning a torch-family requirement to `version` would leave it outside the PyTorch release
 * row of another family member pinned exactly beside it (torchvision 0.17.0 next to torch 2.3.1).
 */
function breaksReleaseRow(context: RuleContext, requirement: Requirement, version: string): boolean {
  const pkg = requirement.normalizedName as TorchFamilyPackage | null;
  const view = torchKnowledge(context.kb);
  if (!view || !pkg || !torchFamily.includes(pkg)) return false;
  // The pins installed with it: its environments, and its own file (a script's later `pip install -r`
  // may replace it in the environment, yet the command that pins it still pins its siblings).
  const neighbourhoods = context.project.environments.filter((env) => env.requirements.includes(requirement)).map((env) => env.requirements);
  neighbourhoods.push(context.project.parsed.get(requirement.file)?.requirements ?? []);
  for (const pins of neighbourhoods) {
    for (const other of torchFamily) {
      if (other === pkg) continue;
      for (const pin of pins) {
        if (pin.normalizedName !== other || !canInstallTogether(context.project, [pin, requirement])) continue;
        const exact = exactVersion(pin);
        const row = exact ? view.releaseOf(other, exact) : undefined;
        if (row && row[pkg] !== undefined && compareVersions(row[pkg]!, version) !== 0) return true;
      }
    }
  }
  return false;
}

/** `a, b, c`, or `a, b, c and 7 more files`. */
function fileList(files: readonly string[]): string {
  return files.length <= 4 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more files`;
}

/** Which kind of file wins a tie: the project's declaration, then requirements, then scripts. */
const kindRank: Record<string, number> = { pyproject: 0, requirements: 1, shell: 2 };

/**
 * The project-wide alignment: every pin of the group that differs from `version` rewritten to it (each
 * keeping its own local tag), as one fix across files. Null when a pin cannot be rewritten in place or
 * when the new version would split a PyTorch release row beside one of them.
 */
function alignEveryFile(context: RuleContext, pins: readonly Pin[], version: string, name: string): Fix | null {
  const edits: Edit[] = [];
  const files = new Set<string>();
  for (const pin of pins) {
    if (pin.wildcard ? satisfies(version, [{ operator: '==', version: pin.version }]) : compareVersions(pin.public, version) === 0) continue;
    const clause = pin.requirement.clauses[0]!;
    if (clause.versionSpan.end - clause.versionSpan.start !== clause.version.length) return null;
    if (breaksReleaseRow(context, pin.requirement, version)) return null;
    const local = localTag(pin.version);
    edits.push({ file: pin.file.path, span: clause.versionSpan, text: local ? `${version}+${local}` : version });
    files.add(pin.file.path);
  }
  if (edits.length < 2) return null; // one edit is the per-pin fix
  return { title: `Align every file to ${name} ${version} (${edits.length} pins in ${files.size} files)`, edits, applicability: 'manual' };
}

/** Pins that take part: exact and prefix pins, outside shell functions the script never calls. */
function pinsOf(file: ParsedFile): Pin[] {
  const unreachable = new Set<number>();
  for (const command of file.commands ?? []) if (!command.reachable) for (const i of command.requirements) unreachable.add(i);
  const pins: Pin[] = [];
  file.requirements.forEach((requirement, index) => {
    if (unreachable.has(index) || !requirement.normalizedName) return;
    const version = pinnedVersion(requirement.clauses);
    const clause = requirement.clauses[0];
    if (!clause) return;
    if (!version) {
      const prefix = requirement.clauses.length === 1 && clause.operator === '==' && /^\d+(\.\d+)*\.\*$/.exec(clause.version.trim()) ? clause.version.trim() : null;
      if (prefix) pins.push({ requirement, file, version: prefix, public: prefix.slice(0, -2), wildcard: true });
      return;
    }
    const pub = publicVersion(version);
    if (!pub) return;
    pins.push({ requirement, file, version, public: pub });
  });
  return pins;
}

/**
 * How two files that pin a package differently relate: `copies` are meant to be one (a script and
 * the file it installs, a pyproject and its requirements, a lock and its source); `alternatives` are
 * deployments never installed together (per-accelerator or per-platform files, different PyTorch
 * indexes); `vendored` pairs a vendored module's own files with its host's.
 */
type Relation = 'copies' | 'alternatives' | 'vendored';

function relationOf(context: RuleContext, a: Pin, b: Pin, pytorchIndex: (file: string) => string): Relation {
  const together = context.project.environments.some((env) => env.files.includes(a.file.path) && env.files.includes(b.file.path));
  if (together) return 'copies';
  if (vendoredModule(a.file.path) !== vendoredModule(b.file.path)) return 'vendored';
  if (deploymentOf(a.file.path) !== deploymentOf(b.file.path)) return 'alternatives';
  // Two PyTorch indexes, or two builds (`+cu121` beside `+rocm6.2`): one stack for two accelerators.
  // A file with none beside one with a variant is a copy that also picks the build.
  const differ = (x: string | null, y: string | null) => !!x && !!y && x !== y;
  if (differ(pytorchIndex(a.file.path), pytorchIndex(b.file.path)) || differ(localTag(a.version), localTag(b.version))) return 'alternatives';
  return 'copies';
}

/**
 * Packages that differ between deployments by design: the PyTorch family, builds named for an
 * accelerator (`onnxruntime-gpu`, `cupy-cuda12x`, `nvidia-cudnn-cu12`, `tensorflow-metal`), and any
 * pin with a local tag.
 */
function isAcceleratorSpecific(pin: Pin): boolean {
  const name = pin.requirement.normalizedName ?? '';
  return (torchFamily as readonly string[]).includes(name) || localTag(pin.version) !== null || deploymentOf(name) !== '';
}

/** Markers decide where a pin applies: pins under different markers are not compared. */
function markerKey(requirement: Requirement): string {
  return (requirement.marker ?? '').replace(/\s+/g, '').replace(/'/g, '"');
}

const describe = (pin: Pin): string => {
  const origin = pin.requirement.origin;
  if (pin.file.kind === 'pyproject') return `${pin.file.path} (${origin.section}${origin.group ? ` [${origin.group}]` : ''})`;
  return pin.file.path;
};

export const inconsistentPins = defineRule(
  {
    id: 'inconsistent-pins',
    defaultLevel: 'warning',
    summary: 'One package pinned differently across the files of one project (requirements, pyproject, install scripts).',
    fixable: true,
    status: 'active',
    docs: `## What it does
Compares the exact pins (\`==\`) of each package across every dependency file of the project:
requirements files, \`pyproject.toml\` (PEP 621, extras, dependency groups, Poetry and uv tables) and
install scripts (\`pip install\` lines in shell scripts and Dockerfile \`RUN\` lines). A package pinned
to different versions in two files is reported on each stray pin, with the other pins as related
locations. Pins are compared by their public version: \`torch==2.3.1+cu121\` in a script and
\`torch==2.3.1\` in \`pyproject.toml\` agree (the local tag is checked by \`local-tag-mismatch\`).
Prefix pins (\`==1.24.*\`, conda's \`numpy=1.24\`) take part too: one agrees with every version under
its prefix (\`numpy=1.26\` and \`numpy==1.26.4\` agree; \`numpy=1.24\` and \`numpy==1.26.4\` do not), and a
prefix is never written into an exact pin by a fix. Other ranges are not compared.
Pins under different environment markers, pins within one file, and pins in shell functions the
script never calls are not compared.

Files are compared where they are meant to agree. Copies meant to be one — a script and the
requirements file it installs, \`pyproject.toml\` and its requirements, a lock and its source, two
files of one deployment — are a warning. Alternatives — files for one accelerator or platform each
(names or folders carrying \`cpu\`, \`cuda\`, \`cu121\`, \`rocm\`, \`xpu\`, \`ipex\`, \`mps\`, \`dml\`,
\`linux\`, \`windows\`, \`macos\`, \`arm64\`…), on two different PyTorch indexes, or pinning two builds
(\`+cu128\` and \`+rocm6.3\`) — are never installed together: what differs by accelerator (the PyTorch
family, \`onnxruntime-gpu\`-style builds, pins with a local tag) is not compared at all, the rest is a
\`note\`. Vendored modules (\`third_party/\`, \`vendor/\`, \`extensions/<name>/\`,
\`repositories/<name>/\`, \`custom_nodes/<name>/\`) run in the host's environment; their own files are
compared with the host's, and with each other, at \`note\` level.

Lock files (\`uv.lock\`, \`poetry.lock\`, \`pdm.lock\`, \`Pipfile.lock\`, \`pylock.toml\`) take part like
any pinned file, and each is also held to the file it is generated from (\`pyproject.toml\`, or the
\`Pipfile\`): a requirement there that no locked version of the package satisfies, under markers
that can hold together, means the lock is out of date, reported on the locked entry.

## Why it matters
Where the files are installed together (a script that installs a requirements file, then pins
again), which version you get depends on which was installed last. Where they are installed apart
(a Dockerfile, a CI job, a developer's \`pip install -r\`), the deployments drift apart, and a bug
fixed in one place comes back from another. The message says which of the two it is.

## Example
\`\`\`text
# requirements.txt
torch==2.3.1
# pyproject.toml
dependencies = ["torch==2.3.1"]
# server-setup.sh
pip install torch==2.2.2        # reported: 2.3.1 in requirements.txt and pyproject.toml
\`\`\`

## Fix
The quick fix rewrites the stray version to the chosen one, in place (a TOML string, a shell word or a
requirements line; a local tag such as \`+cu121\` is kept). The chosen version is the one most pins
agree on; on a tie, the one in \`pyproject.toml\`, then the one in a requirements file, then the newest.
Two project-wide fixes settle the whole group at once: "Align every file to <package> <version>", on the
chosen version and on the stray's, rewrite every differing copy in every file (each keeping its tag).

## Fix safety
*Manual*: never applied by \`--fix\` or fix-all, even with \`--unsafe-fixes\`: which deployment's version is right is the user's call. A lock is
never edited: regenerate it with its tool (\`uv lock\`, \`poetry lock\`, …). Not
offered at all for a torch, torchvision or torchaudio pin when the chosen version would split the
PyTorch release row of the family pins beside it (torchvision 0.17.0 next to torch 2.3.1).
`,
  },
  (context) => {
    // The PyTorch index variant each file's environments install from ('' when none), for telling deployments apart.
    const indexOf = new Map<string, string>();
    const pytorchIndex = (file: string): string => {
      let variant = indexOf.get(file);
      if (variant === undefined) {
        const variants = new Set<string>();
        for (const env of context.project.environments) if (env.files.includes(file)) variants.add(pytorchIndexVariant(env, context.kb)?.variant ?? '');
        variant = [...variants].sort().join('+');
        indexOf.set(file, variant);
      }
      return variant;
    };
    const reported = new Set<Requirement>();
    const groups = new Map<string, Pin[]>();
    for (const file of context.project.parsed.values()) {
      if (file.kind === 'python-version') continue;
      for (const pin of pinsOf(file)) {
        const key = `${pin.requirement.normalizedName}\0${markerKey(pin.requirement)}`;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key)!.push(pin);
      }
    }
    for (const pins of groups.values()) {
      if (new Set(pins.map((p) => p.file.path)).size < 2) continue;
      // Exact pins first, so a version's group is named by an exact pin and a prefix pin joins the group it admits.
      const byVersion = new Map<string, Pin[]>();
      for (const pin of [...pins].sort((a, b) => Number(a.wildcard ?? false) - Number(b.wildcard ?? false))) {
        const same = [...byVersion.entries()].find(([, list]) => agree(list[0]!, pin))?.[0] ?? pin.public;
        if (!byVersion.has(same)) byVersion.set(same, []);
        byVersion.get(same)!.push(pin);
      }
      if (byVersion.size < 2) continue;
      const rank = (list: Pin[]) => list.reduce((best, p) => Math.min(best, kindRank[p.file.kind] ?? 3), Infinity);
      const ordered = [...byVersion.entries()].sort(([va, a], [vb, b]) => b.length - a.length || rank(a) - rank(b) || compareVersions(vb, va));
      const [chosenVersion, chosen] = ordered[0]!;
      const chosenPin = [...chosen].sort((a, b) => rank([a]) - rank([b]))[0]!;
      const chosenPublic = publicVersion(chosenPin.version) ?? chosenVersion;
      const chosenFiles = [...new Set(chosen.map((p) => p.file.path))];
      // Pins of one version may carry different local tags (+cpu, +rocm5.7): name the version they share.
      const chosenShown = new Set(chosen.map((p) => p.version)).size === 1 ? chosenPin.version : chosenPublic;
      const name = chosenPin.requirement.name ?? chosenPin.requirement.normalizedName!;

      for (const [, strays] of ordered.slice(1)) {
        for (const stray of strays) {
          // A lock that disagrees with the file it is generated from is out of date: said below, once.
          const sources = kindSpec(stray.file.kind).generated?.from(stray.file.path) ?? [];
          if (chosenFiles.some((f) => sources.includes(f))) continue;
          const clause = stray.requirement.clauses[0]!;
          // Compared where they are meant to agree: copies warn; alternatives and vendored copies are
          // a note at most, and alternatives are not compared on what differs by accelerator.
          const relations = new Set(chosen.map((pin) => relationOf(context, stray, pin, pytorchIndex)));
          if (!relations.has('copies') && relations.has('alternatives') && !relations.has('vendored') && isAcceleratorSpecific(stray)) continue;
          const level = relations.has('copies') ? undefined : ('note' as const);
          // The pins to align with first, then one pin per other version: in a monorepo with hundreds
          // of copies, a list of every pin on every stray would grow with the square of the copies.
          const otherVersions = ordered
            .slice(1)
            .filter(([, list]) => !list.includes(stray))
            .map(([, list]) => list[0]!)
            .slice(0, maxRelated / 2);
          const shown = [...chosen.slice(0, maxRelated - otherVersions.length), ...otherVersions];
          const related: RelatedLocation[] = shown.map((p) => ({
            file: p.file.path,
            span: p.requirement.clauses[0]!.span,
            message: `${name} pinned to ${p.version} in ${describe(p)}`,
          }));
          const local = localTag(stray.version);
          const newText = local ? `${chosenPublic}+${local}` : chosenPublic;
          // Aligning is a choice between deployments, so it is offered, never applied by fix-all; and
          // not offered at all where it would split a PyTorch release row the stray's environment holds.
          // A prefix is not a version to write into a pin: a group named by one offers no rewrite.
          const breaksRow = chosenPin.wildcard === true || breaksReleaseRow(context, stray.requirement, chosenPublic);
          const fixes: Fix[] = breaksRow
            ? []
            : [{ title: `Pin ${name} to ${newText}, as in ${fileList(chosenFiles)}`, edits: [{ file: stray.file.path, span: clause.versionSpan, text: newText }], applicability: 'manual' }];
          // Or settle the whole group at once, on either version: every copy of the project moves.
          for (const version of [chosenPin.wildcard ? null : chosenPublic, stray.wildcard ? null : (publicVersion(stray.version) ?? stray.public)]) {
            if (version === null) continue;
            const all = alignEveryFile(context, pins, version, name);
            if (all && !fixes.some((f) => f.title === all.title)) fixes.push(all);
          }
          // Files installed together race (the last install wins); files installed apart drift.
          const together = context.project.environments.some(
            (env) => env.files.includes(stray.file.path) && chosenFiles.some((f) => f !== stray.file.path && env.files.includes(f)),
          );
          const consequence = together
            ? 'which version gets installed depends on which file is installed last'
            : level === 'note'
              ? relations.has('vendored')
                ? `${vendoredModule(stray.file.path) === null ? 'the vendored module' : 'this vendored module'} runs in the host's environment, which installs the other`
                : `these files are alternative deployments (${[...new Set([stray.file.path, ...chosenFiles].map((f) => deploymentOf(f) || pytorchIndex(f) || 'default'))].join(' / ')}), so this is only worth keeping in step`
              : `installs from these files get different versions of ${name}`;
          reported.add(stray.requirement);
          context.report({
            file: stray.file.path,
            span: clause.span,
            message: `${name} is pinned to ${stray.version} here but to ${chosenShown} in ${fileList(chosenFiles)}; ${consequence}.`,
            related,
            fixes,
            ...(level ? { level } : {}),
          });
        }
      }
    }
    checkLocks(context, reported);
  },
);

/**
 * A lock and the file it is generated from are meant to agree: a requirement of that file that no
 * version the lock holds for it satisfies (under markers that can hold together) means the lock is
 * out of date. A package the lock leaves out is not judged (a marker or a platform may leave it out).
 */
function checkLocks(context: RuleContext, reported: ReadonlySet<Requirement>): void {
  const { project } = context;
  for (const lock of project.parsed.values()) {
    const generated = kindSpec(lock.kind).generated;
    if (!generated) continue;
    const lockedByName = new Map<string, Requirement[]>();
    for (const requirement of lock.requirements) {
      if (!requirement.normalizedName) continue;
      if (!lockedByName.has(requirement.normalizedName)) lockedByName.set(requirement.normalizedName, []);
      lockedByName.get(requirement.normalizedName)!.push(requirement);
    }
    for (const sourcePath of generated.from(lock.path)) {
      const source = project.parsed.get(sourcePath);
      if (!source) continue;
      for (const wanted of source.requirements) {
        const name = wanted.normalizedName;
        if (!name || wanted.url !== null || wanted.isConstraint || wanted.clauses.length === 0) continue;
        // Build requirements are installed apart, never locked.
        if (wanted.origin.scope === 'build' || wanted.origin.section === 'build-system.requires') continue;
        const locked = (lockedByName.get(name) ?? []).filter((l) => canInstallTogether(project, [wanted, l]));
        if (locked.length === 0) continue;
        if (locked.some((l) => satisfies(l.clauses[0]!.version, wanted.clauses, { prereleases: true }))) continue;
        const where = wanted.origin.group ? `${wanted.origin.section} [${wanted.origin.group}]` : wanted.origin.section;
        for (const l of locked) {
          if (reported.has(l)) continue;
          context.report({
            file: lock.path,
            span: l.span,
            message: `${l.name} ${l.clauses[0]!.version} is locked here, but ${source.path} asks for ${wanted.name}${wanted.specifier} (${where}): the lock is out of date; regenerate it (${generated.by}).`,
            related: [{ file: source.path, span: wanted.specifierSpan ?? wanted.span, message: `${wanted.name}${wanted.specifier} in ${source.path}` }],
          });
        }
      }
    }
  }
}
