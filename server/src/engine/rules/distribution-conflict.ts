import type { Fix } from '../findings';
import { torchKnowledge } from '../kb/torch';
import type { KnowledgeBase } from '../kb/types';
import { variantGroups, type VariantAccelerator, type VariantGroup } from '../kb/variants';
import type { Requirement } from '../model';
import type { InstalledDistribution, InstalledEnvironment } from '../installed';
import type { Environment, Project } from '../project';
import type { Settings } from '../settings';
import { defineRule } from './define';
import type { RuleContext } from './types';
import { pytorchIndexVariant } from './support/indexes';
import { canInstallTogether, describePin, displayName, localTag, pinSpan, removeLineEdit } from './support/pins';
import { variantKind, type VariantKind } from './support/variants';

const acceleratorLabel: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', rocm: 'ROCm' };

/** What the environment targets, and why: the user's setting, the PyTorch index, or a torch local tag. */
function targetAccelerator(env: Environment, settings: Settings, kb: KnowledgeBase): { accelerator: VariantKind; evidence: string } | null {
  if (settings.accelerator !== 'auto') return { accelerator: settings.accelerator, evidence: 'the accelerator setting' };
  if (env.accelerator) return { accelerator: env.accelerator.family, evidence: env.accelerator.evidence };
  const index = pytorchIndexVariant(env, kb);
  if (index) return { accelerator: variantKind(torchKnowledge(kb), index.variant)!, evidence: `the PyTorch index ${index.index.url}` };
  for (const requirement of env.requirements) {
    if (!['torch', 'torchvision', 'torchaudio'].includes(requirement.normalizedName ?? '')) continue;
    const kind = variantKind(torchKnowledge(kb), localTag(requirement) ?? '');
    if (kind) return { accelerator: kind, evidence: `the pin ${describePin(requirement)}` };
  }
  return null;
}

const platformNames: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

/**
 * Where exactly one of two clashing distributions is built for one platform only (onnxruntime-directml:
 * Windows), the split is clear: that one on its platform, the other everywhere else. Offered for
 * requirements files, on pins without markers; manual (it changes what installs where).
 */
function complementaryMarkers(project: Project, group: VariantGroup, a: Requirement, b: Requirement): Fix | null {
  const platformOf = (r: Requirement) => group.distributions.find((d) => d.name === r.normalizedName)?.platform;
  const pa = platformOf(a);
  const pb = platformOf(b);
  if ((pa === undefined) === (pb === undefined)) return null;
  const [only, rest] = pa !== undefined ? [a, b] : [b, a];
  const platform = (pa ?? pb)!;
  for (const r of [only, rest]) {
    if (r.marker !== null || project.parsed.get(r.file)?.kind !== 'requirements') return null;
  }
  const insert = (r: Requirement, op: '==' | '!=') => ({ file: r.file, span: { start: r.span.end, end: r.span.end }, text: `${r.url !== null ? ' ; ' : '; '}sys_platform ${op} "${platform}"` });
  return {
    title: `Add markers: ${displayName(only)} on ${platformNames[platform] ?? platform} only, ${displayName(rest)} elsewhere`,
    edits: [insert(only, '=='), insert(rest, '!=')],
    applicability: 'manual',
  };
}

/** Files a distribution owns for this check: its own package files, not shared `__init__.py` or bytecode. */
function ownedFile(path: string): boolean {
  return !path.startsWith('../') && !path.includes('__pycache__/') && !/\.(?:dist|egg)-info\//.test(path) && !path.endsWith('__init__.py');
}

/**
 * Installed distributions whose RECORDs list the same files wrote over each other, whatever the
 * curated groups say (pip does not check this). Each pair is reported once, on the later one.
 */
function reportSharedFiles(context: RuleContext, env: InstalledEnvironment): void {
  const owner = new Map<string, InstalledDistribution>();
  const shared = new Map<string, { first: InstalledDistribution; later: InstalledDistribution; files: string[] }>();
  for (const dist of env.distributions) {
    for (const path of dist.record ?? []) {
      if (!ownedFile(path)) continue;
      const first = owner.get(path);
      if (!first) {
        owner.set(path, dist);
        continue;
      }
      if (first === dist) continue;
      const key = `${first.normalizedName}\0${dist.normalizedName}`;
      const pair = shared.get(key) ?? { first, later: dist, files: [] };
      pair.files.push(path);
      shared.set(key, pair);
    }
  }
  for (const { first, later, files } of shared.values()) {
    const sample = files.slice(0, 2).join(', ') + (files.length > 2 ? ', …' : '');
    context.report({
      message: `\`${later.name} ${later.version}\` and \`${first.name} ${first.version}\` are both installed in ${env.label} and wrote ${files.length} of the same file${files.length === 1 ? '' : 's'} (${sample}): whichever was installed last overwrote the other's, and uninstalling either breaks the other. Uninstall both, then install only one.`,
      file: later.file,
      span: later.nameSpan,
      related: [{ file: first.file, span: first.nameSpan, message: `\`${first.name} ${first.version}\` also wrote these files` }],
    });
  }
}

function fits(accelerator: VariantAccelerator, target: VariantKind): boolean {
  return accelerator === target;
}

export const distributionConflict = defineRule(
  {
    id: 'distribution-conflict',
    defaultLevel: 'error',
    summary: 'Two distributions that install the same import package and can end up in one environment (onnxruntime + onnxruntime-gpu, opencv variants).',
    fixable: true,
    status: 'active',
    docs: `## What it does
Finds distributions that provide the same import package (\`onnxruntime\` and \`onnxruntime-gpu\`, the four opencv-python builds, \`tensorflow\` / \`tensorflow-cpu\` / \`tensorflow-gpu\` / \`tf-nightly\`, \`faiss-cpu\` and \`faiss-gpu\`, \`pillow\` and \`pillow-simd\`) installed into one environment: one requirements file, files joined by \`-r\`, a pyproject's base dependencies with one extra or group, or a script's pip runs in order (an uninstall in between clears the earlier one). Separate extras, and extras \`[tool.uv] conflicts\` declares exclusive, are separate environments. \`tensorflow-intel\` and \`tensorflow-cpu-aws\` are not in the group: \`tensorflow\` itself depends on them on Windows and Linux aarch64. Pins whose markers can never hold together (say \`sys_platform == "darwin"\` beside \`sys_platform != "darwin"\`, or \`platform_machine == "arm64"\` beside \`platform_machine == "x86_64"\`) are not a conflict; Pinwise decides this by evaluating the markers over every platform, machine and Python it knows, not by comparing text.

## Why it matters
Both distributions write into the same directory; the one installed last wins file by file, leaving a broken mix, for example a CPU-only onnxruntime that hides the GPU providers, or an opencv whose GUI functions fail because the headless build overwrote them. ONNX Runtime and opencv-python both document that only one of their packages may be installed in an environment.

## Example
\`\`\`text
--extra-index-url https://download.pytorch.org/whl/cu121
onnxruntime==1.17.1
onnxruntime-gpu==1.17.1   # both install the onnxruntime package
\`\`\`

## Fix
Keep one distribution. When the environment says what it targets (the \`accelerator\` setting, a PyTorch index URL such as \`/whl/cu121\`, or a torch local tag such as \`+cu121\`), the quick fix removes the variant that does not fit, deleting its whole line and nothing else; it *changes what is installed* (applied by \`--fix --unsafe-fixes\` or with \`pinwise.fixAll.includePinChanges\`). Otherwise each removal is *manual* (a quick fix only), since only you know which build you need. Complementary markers are another way out.

## Sources
- ONNX Runtime, Install ONNX Runtime: https://github.com/microsoft/onnxruntime/blob/93f3c4bb0e216a9a8c759418eb9705ec256b6a66/docs/get-started/with-python.md#install-onnx-runtime
- opencv-python README, Installation and Usage: https://github.com/opencv/opencv-python/blob/5308d0bf5274e07fe306fba411db265341cd0248/README.md#installation-and-usage
- TensorFlow's pip package setup.py (one setup.py for every tensorflow_* and tf_nightly_* package): https://github.com/tensorflow/tensorflow/blob/v2.12.0/tensorflow/tools/pip_package/setup.py
- faiss-wheels setup.py (faiss-cpu / faiss-gpu): https://github.com/kyamagu/faiss-wheels/blob/227ee5b3b086179163e4c496499e26a153dd837d/setup.py
- Pillow-SIMD README, Installation: https://github.com/uploadcare/pillow-simd/blob/b6f035ce526bd88ef164ab672991bcbbe14c2d5f/README.md#installation
- DirectML Execution Provider (Windows): https://github.com/microsoft/onnxruntime/blob/eb45535b8cbbd26a59a8466141c8e49857097f34/docs/execution-providers/DirectML-ExecutionProvider.md
`,
  },
  (context) => {
    const groups = variantGroups(context.kb);
    if (groups.length === 0) return;
    // The same clash reached through several environments (a script that runs `pip install -r
    // requirements.txt`, a file included by two roots) is one problem: report it once.
    const reported = new Set<string>();
    const pinKey = (r: Requirement) => `${r.file}:${r.span.start}`;
    for (const installed of context.project.installed) reportSharedFiles(context, installed);
    for (const env of context.project.environments) {
      // Where every installed distribution has its RECORD, the files they wrote decide (above).
      if (env.installed && env.installed.distributions.every((d) => d.record !== null)) continue;
      const target = targetAccelerator(env, context.settings, context.kb);
      for (const group of groups) {
        const byName = new Map(group.distributions.map((d) => [d.name, d]));
        const members = env.requirements.filter((r) => r.normalizedName !== null && byName.has(r.normalizedName));
        if (members.length < 2) continue;
        // Which members clash with which: different distributions whose markers can hold together.
        // Pins of one distribution under one marker behave alike (a repeated line, a file included
        // twice): each such class is compared once and named by its first pin.
        const classes = new Map<string, Requirement[]>();
        for (const m of members) {
          const key = `${m.normalizedName}\0${m.marker ?? ''}`;
          const list = classes.get(key);
          if (list) list.push(m);
          else classes.set(key, [m]);
        }
        const classList = [...classes.values()];
        const clashes = new Map<Requirement, Requirement[]>();
        const addClash = (pins: readonly Requirement[], other: Requirement) => {
          for (const pin of pins) {
            const list = clashes.get(pin);
            if (list) list.push(other);
            else clashes.set(pin, [other]);
          }
        };
        for (let i = 0; i < classList.length; i++) {
          for (let j = i + 1; j < classList.length; j++) {
            const a = classList[i]!;
            const b = classList[j]!;
            if (a[0]!.normalizedName === b[0]!.normalizedName) continue;
            if (!canInstallTogether(context.project, [a[0]!, b[0]!])) continue;
            addClash(a, b[0]!);
            addClash(b, a[0]!);
          }
        }
        if (clashes.size === 0) continue;
        const order = new Map(members.map((m, i) => [m, i]));
        const involved = members.filter((m) => clashes.has(m));
        const fitting = target ? involved.filter((m) => fits(byName.get(m.normalizedName!)!.accelerator, target.accelerator)) : [];
        const keepNames = new Set(fitting.map((m) => m.normalizedName));
        // With a clear target, flag every member that does not fit it; otherwise flag each later member.
        const flagged =
          target && keepNames.size === 1
            ? involved.filter((m) => !keepNames.has(m.normalizedName))
            : involved.filter((m) => clashes.get(m)!.some((other) => order.get(other)! < order.get(m)!));
        for (const requirement of flagged) {
          const others = clashes.get(requirement)!;
          const clashKey = [pinKey(requirement), ...others.map(pinKey).sort()].join('|');
          if (reported.has(clashKey)) continue;
          reported.add(clashKey);
          const first = others[0]!;
          const where = first.file === requirement.file ? '' : ` (from ${first.file})`;
          const othersText = others.map((o) => `\`${displayName(o)}\``).filter((v, i, a) => a.indexOf(v) === i);
          let message = `\`${displayName(requirement)}\` and ${othersText.join(', ')}${where} both install the import package \`${group.import}\` into ${env.label}; whichever pip installs last overwrites the other's files. Keep only one.`;
          const source = context.project.sources.get(requirement.file);
          const fixes: Fix[] = [];
          const edit = source ? removeLineEdit(source, requirement, context.project.parsed.get(requirement.file)?.requirements ?? []) : null;
          if (edit) {
            if (target && keepNames.size === 1) {
              const kept = fitting[0]!;
              message = `\`${displayName(requirement)}\` and \`${displayName(kept)}\`${kept.file === requirement.file ? '' : ` (from ${kept.file})`} both install the import package \`${group.import}\` into ${env.label}; whichever pip installs last overwrites the other's files. This environment targets ${acceleratorLabel[target.accelerator] ?? target.accelerator} (from ${target.evidence}), so \`${displayName(kept)}\` is the one to keep.`;
              fixes.push({ title: `Remove ${displayName(requirement)} (keep ${displayName(kept)})`, edits: [edit], applicability: 'changes-installed' });
            } else {
              fixes.push({ title: `Remove ${displayName(requirement)}`, edits: [edit], applicability: 'manual' });
              for (const other of others) {
                const otherSource = context.project.sources.get(other.file);
                const otherEdit = otherSource ? removeLineEdit(otherSource, other, context.project.parsed.get(other.file)?.requirements ?? []) : null;
                if (otherEdit) fixes.push({ title: `Remove ${displayName(other)}`, edits: [otherEdit], applicability: 'manual' });
              }
            }
          }
          for (const other of others) {
            const split = complementaryMarkers(context.project, group, requirement, other);
            if (split) fixes.push(split);
          }
          context.report({
            message,
            file: requirement.file,
            span: pinSpan(context.project, requirement),
            related: others.map((o) => ({ file: o.file, span: pinSpan(context.project, o), message: `\`${displayName(o)}\` also installs \`${group.import}\`` })),
            fixes,
          });
        }
      }
    }
  },
);
