// `pinwise stack`: the PyTorch stack that fits a Python and an accelerator, and how to write it down.
import { parseArgs } from 'node:util';
import { fromCwd } from './output';
import { loadCliProject } from './project';
import { analyze } from '../engine/analyze';
import type { Grammars } from '../engine/grammars';
import { torchKnowledge } from '../engine/kb/torch';
import type { KnowledgeBase } from '../engine/kb/types';
import { exactVersion, localTag } from '../engine/rules/support/pins';
import { pytorchIndexVariant } from '../engine/rules/support/indexes';
import { botConfigs, isAcceleratorName, planStack, stackConventions, stackForms, type PlannedStack } from '../engine/stack';

interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** The working directory relative paths are read from (output.ts); default the process's. */
  cwd?: string;
}

export const stackUsage = `  pinwise stack [--torch X.Y[.Z]] [--python 3.N] [--accelerator cpu|cuda|rocm|xpu|cuXYZ|rocmX.Y]
                [--format text|json] [--bots]
`;

interface ProjectDefaults {
  python?: { version: string; from: string };
  accelerator?: { value: string; from: string };
}

/** The target Python and accelerator of the project in `path`, as the linter reads them. */
function projectDefaults(path: string, kb: KnowledgeBase, grammars: Grammars): ProjectDefaults {
  const { resolved, loaded } = loadCliProject(path, { grammars });
  const { project } = analyze({ files: loaded.files, unreadable: loaded.unreadable, parseCache: loaded.parses, settings: { ...resolved.engine, select: ['syntax-error'] }, kb, grammars });
  const out: ProjectDefaults = {};
  const target = project.targetPython;
  if (target) out.python = { version: target.version, from: target.source === 'settings' ? '[tool.pinwise]' : target.source.file };
  if (resolved.engine.accelerator !== 'auto') out.accelerator = { value: resolved.engine.accelerator, from: '[tool.pinwise]' };
  for (const env of project.environments) {
    if (out.accelerator || env.installed) break;
    for (const req of env.requirements) {
      const tag = ['torch', 'torchvision', 'torchaudio'].includes(req.normalizedName ?? '') && exactVersion(req) ? localTag(req) : null;
      if (tag && torchKnowledge(kb)?.variantFamily(tag)) {
        out.accelerator = { value: tag, from: `${req.file} (${req.name}${req.specifier})` };
        break;
      }
    }
    const index = out.accelerator ? null : pytorchIndexVariant(env, kb);
    if (index) out.accelerator = { value: index.variant, from: `${env.label} (${index.index.url})` };
  }
  return out;
}

function describe(stack: PlannedStack): string {
  const audio = stack.torchaudio ? `, torchaudio ${stack.torchaudio}` : ', no torchaudio release known for it';
  return `torch ${stack.torch}, torchvision ${stack.torchvision}${audio} — ${stack.variant} (Python ${stack.python.min}–${stack.python.max})`;
}

const indent = (text: string) => text.replace(/\n$/, '').split('\n').map((l) => `    ${l}`).join('\n') + '\n';

export function stackCommand(args: string[], io: Output, kb: KnowledgeBase, grammars: Grammars): number {
  let values: { torch?: string; python?: string; accelerator?: string; format?: string; bots?: boolean; project?: string };
  try {
    ({ values } = parseArgs({
      args,
      allowPositionals: false,
      options: {
        torch: { type: 'string' },
        python: { type: 'string' },
        accelerator: { type: 'string' },
        format: { type: 'string', default: 'text' },
        bots: { type: 'boolean', default: false },
        project: { type: 'string', default: '.' },
      },
    }));
  } catch (error) {
    io.err(`pinwise: ${(error as Error).message}\n\nUsage:\n${stackUsage}`);
    return 2;
  }
  const usage = (message: string) => {
    io.err(`pinwise: ${message}\n\nUsage:\n${stackUsage}`);
    return 2;
  };
  if (!['text', 'json'].includes(values.format!)) return usage(`--format must be text or json (got '${values.format}')`);
  if (values.torch !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(values.torch)) return usage(`--torch must look like 2.5 or 2.5.1 (got '${values.torch}')`);
  if (values.python !== undefined && !/^3\.\d+$/.test(values.python)) return usage(`--python must look like 3.12 (got '${values.python}')`);
  if (values.accelerator !== undefined && !isAcceleratorName(torchKnowledge(kb), values.accelerator)) {
    const families = torchKnowledge(kb)?.variantFamilies().join(', ') || 'none known';
    return usage(`--accelerator must be a variant family (${families}) or a variant of one (cuXYZ, rocmX.Y) (got '${values.accelerator}')`);
  }
  const conventions = stackConventions(kb);
  if (values.bots) {
    if (!conventions) return usage('the knowledge base has no stack conventions');
    const bots = botConfigs(conventions);
    if (values.format === 'json') io.out(JSON.stringify(bots, null, 2) + '\n');
    else io.out(`Renovate (renovate.json):\n${indent(bots.renovate)}\nDependabot (.github/dependabot.yml):\n${indent(bots.dependabot)}`);
    return 0;
  }
  // Run inside a project, its target Python and accelerator are the defaults; flags win.
  let defaults: ProjectDefaults = {};
  try {
    defaults = projectDefaults(fromCwd(io, values.project!), kb, grammars);
  } catch (error) {
    io.err(`pinwise: the project's Python and accelerator could not be read (${(error as Error).message}); using the flags and defaults\n`);
  }
  const python = values.python ?? defaults.python?.version;
  const accelerator = values.accelerator ?? defaults.accelerator?.value ?? 'cpu';
  const why = {
    python: values.python ? '--python' : defaults.python ? defaults.python.from : null,
    accelerator: values.accelerator ? '--accelerator' : defaults.accelerator ? defaults.accelerator.from : null,
  };
  const answer = planStack(kb, { ...(values.torch ? { torch: values.torch } : {}), ...(python ? { python } : {}), accelerator });
  if (values.format === 'json') {
    const body = answer.ok ? { ok: true, stack: answer.stack, forms: stackForms(answer.stack, conventions, python), defaults: why } : { ...answer, defaults: why };
    io.out(JSON.stringify(body, null, 2) + '\n');
    return answer.ok ? 0 : 1;
  }
  const asked = `accelerator ${accelerator} (${why.accelerator ? `from ${why.accelerator}` : 'the default; --accelerator to choose'})${python ? `, Python ${python} (from ${why.python})` : ''}${values.torch ? `, torch ${values.torch}` : ''}`;
  if (!answer.ok) {
    io.out(`Nothing fits ${asked}: ${answer.reason}\n`);
    if (answer.nearest.length > 0) io.out(`Nearest:\n${answer.nearest.map((s) => `  ${describe(s)}\n`).join('')}`);
    return 1;
  }
  const forms = stackForms(answer.stack, conventions, python);
  io.out(
    [
      `PyTorch for ${asked}:`,
      `  ${describe(answer.stack)}`,
      `  index ${answer.stack.indexUrl}  (source: ${answer.stack.source})`,
      '',
      'requirements.txt:',
      indent(forms.requirements),
      'pip:',
      indent(forms.pip),
      'uv pip:',
      indent(forms.uvPip),
      'pyproject.toml (uv):',
      indent(forms.pyproject),
      'conda environment.yml:',
      indent(forms.conda),
    ].join('\n'),
  );
  return 0;
}
