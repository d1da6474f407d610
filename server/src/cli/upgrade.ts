// `pinwise upgrade torch==X`: one PyTorch release row in every file of the project, written in place
// (or shown as a diff with --dry-run). Reads and writes only inside the project boundary.
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCliProject } from './project';
import { analyze } from '../engine/analyze';
import { applyEdits, type Edit } from '../engine/findings';
import type { Grammars } from '../engine/grammars';
import { torchKnowledge } from '../engine/kb/torch';
import type { KnowledgeBase } from '../engine/kb/types';
import { LineIndex } from '../engine/line-index';
import { isAcceleratorName } from '../engine/stack';
import { planUpgrade } from '../engine/upgrade';
import type { LoadedProject } from '../host/files';
import { fromCwd } from './output';

interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** The working directory relative paths are read from (output.ts); default the process's. */
  cwd?: string;
}

export const upgradeUsage = `  pinwise upgrade torch==X.Y[.Z] [PATH] [--accelerator cpu|cuda|rocm|xpu|cuXYZ|rocmX.Y] [--dry-run]
`;

export interface UpgradeHost {
  kb: KnowledgeBase;
  grammars: Grammars;
  /** Writes a file of the project atomically; false when it changed on disk or cannot be written safely. */
  /** Writes a file (the fix writer of main.ts); returns why it was not written, or null. */
  write: (loaded: LoadedProject, path: string, text: string) => string | null;
  /** A unified diff of one file, for --dry-run. */
  diff: (path: string, before: string, after: string) => string;
}

export function upgradeCommand(args: string[], io: Output, host: UpgradeHost): number {
  const fail = (message: string) => {
    io.err(`pinwise: ${message}\n\nUsage:\n${upgradeUsage}`);
    return 2;
  };
  let parsed: { values: { accelerator?: string; 'dry-run'?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { accelerator: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
  } catch (error) {
    return fail((error as Error).message);
  }
  const [spec, path = '.', ...extra] = parsed.positionals;
  const m = spec ? /^(?:torch==)?(\d+\.\d+(?:\.\d+)?)$/.exec(spec) : null;
  if (!m || extra.length > 0) return fail('upgrade takes torch==X.Y[.Z] and at most one PATH');
  const accelerator = parsed.values.accelerator;
  if (accelerator !== undefined && !isAcceleratorName(torchKnowledge(host.kb), accelerator)) return fail(`--accelerator: unknown accelerator '${accelerator}'`);
  const at = fromCwd(io, path);
  if (!existsSync(at) || !statSync(at).isDirectory()) return fail(`${path}: not a folder`);

  const { resolved, loaded } = loadCliProject(at, { grammars: host.grammars });
  const { project } = analyze({ files: loaded.files, unreadable: loaded.unreadable, parseCache: loaded.parses, settings: { ...resolved.engine, select: ['syntax-error'] }, kb: host.kb, grammars: host.grammars });
  const plan = planUpgrade(project, host.kb, { torch: m[1]!, ...(accelerator ? { accelerator } : {}) });
  if (!plan.ok) {
    io.err(`pinwise: ${plan.reason}\n`);
    return 1;
  }
  const { target } = plan;
  io.out(`Upgrading the PyTorch family to torch ${target.torch}, torchvision ${target.torchvision}${target.torchaudio ? `, torchaudio ${target.torchaudio}` : ''}${accelerator ? ` (${target.variant})` : ''}\n`);
  const byFile = new Map<string, Edit[]>();
  for (const edit of plan.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  let failed = 0;
  for (const [file, edits] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = project.sources.get(file)?.text;
    if (before === undefined) continue;
    const after = applyEdits(before, edits).text;
    if (parsed.values['dry-run']) io.out(host.diff(file, before, after));
    else {
      const skipped = host.write(loaded, file, after);
      if (skipped === null) io.out(`  updated ${file} (${edits.length} change${edits.length === 1 ? '' : 's'})\n`);
      else {
        failed++;
        io.err(`pinwise: ${file} was not written: ${skipped}\n`);
      }
    }
  }
  if (byFile.size === 0) io.out('  every file is already on this release\n');
  for (const note of plan.notes) {
    const line = new LineIndex(project.sources.get(note.file)?.text ?? '').positionAt(note.span.start).line + 1;
    io.out(`  left ${note.file}:${line}: ${note.message}\n`);
  }
  return failed > 0 ? 1 : 0;
}
