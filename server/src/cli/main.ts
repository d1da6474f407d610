// `pinwise`: the command-line linter on the same engine as the language server.
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, fixAll, type AnalysisInput } from '../engine/analyze';
import { ruleIds } from '../engine/rules';
import type { Settings } from '../engine/settings';
import { realPathOrSelf } from '../host/boundary';
import { replaceFile, writableFile } from '../host/safe-write';
import { loadGrammars } from '../host/grammars';
import { encodeText } from '../host/decode';
import { absolutePathOf, readTextFile, type LoadedProject } from '../host/files';
import { knowledgeDate } from '../engine/kb/knowledge';
import { defaultEnvironmentDir, locateEnvironment, readEnvironment } from '../host/environment';
import { loadShippedKnowledgeBase } from '../host/knowledge-base';
import type { InstalledEnvironmentInput } from '../engine/installed';
import type { KnowledgeBase } from '../engine/kb/types';
import type { PinwiseConfig } from '../host/settings';
import { BaselineError, fingerprintOf, readBaseline, type Reported } from './baseline';
import { formatNames, fromCwd, report, writeFile, type CheckOutcome, type FormatName, type Output, type ReportOptions } from './output';
import { locate } from './report';
import { ruleDocumentation, UnknownRuleError } from './rule-docs';
import { unifiedDiff } from './unified-diff';
import { pinwiseVersion } from '../version';
import { loadCliProject } from './project';
import { stackCommand, stackUsage } from './stack';
import { upgradeCommand, upgradeUsage } from './upgrade';
import { cacheContext, defaultCacheDirName, openCacheFolder, openFindingsCache, type FindingsCache } from '../host/cache';
import { checkProject, isPerFile, maxThreads } from './workers';


const usage = `Usage:
  pinwise check [PATH ...] [options]
  pinwise rule [ID]           print a rule's documentation (every rule without ID)
  pinwise rules               list every rule
  pinwise parse FILE          print a requirements file's parsed model as JSON
${stackUsage}${upgradeUsage}  pinwise --version

Options of check:
  --format FORMAT             text (default), json, sarif, github (workflow annotations),
                              gitlab (Code Quality report) or junit (JUnit XML)
  --output-file FILE          write the report to FILE instead of stdout
  --python X.Y                target Python when the project does not declare one
  --accelerator A             auto (default), cpu, cuda or rocm
  --env DIR, --no-env         also check an installed environment (default: ./.venv or ./venv), or not
  --select IDS, --ignore IDS  comma-separated rule ids to run only / never
  --fix                       apply every safe fix in place, then report what remains
  --unsafe-fixes, --fix-pins  with --fix or --diff, also apply the fixes that change what is
                              installed (a pin, a local tag, a removed distribution)
  --diff                      print what --fix would change as a unified diff; write nothing
  --show-fixes                list each finding's fixes under it (text format)
  --quiet                     report errors only
  --statistics                print how many findings each rule reported instead of the findings
  --exit-zero                 exit 0 even when errors are found
  --write-baseline FILE       record today's findings in FILE (and exit 0)
  --baseline FILE             report only findings that FILE does not hold
  --threads N                 check .py files on N threads (default: one per core, at most ${maxThreads},
                              fewer for small projects)
  --no-cache                  neither read nor write the cache of .py files' findings
  --cache-dir DIR             keep that cache in DIR (default: .pinwise_cache at the project root;
                              never outside the project, through a link or in node_modules)
  --verbose                   say on stderr how many .py files were parsed and how many the cache answered

Exit status: 0 no error-level finding, 1 at least one (with --diff: a file would change),
2 usage error or internal failure.
`;

class UsageError extends Error {}


function parseIdList(value: string | undefined, flag: string): string[] {
  if (!value) return [];
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !ruleIds.includes(id));
  if (unknown.length > 0) throw new UsageError(`${flag}: unknown rule id(s): ${unknown.join(', ')}. Known: ${ruleIds.join(', ')}`);
  return ids;
}

/** What the CLI reads besides its arguments and the files: by default the knowledge base shipped beside the bundle. */
export interface CliHost {
  knowledgeBase?: () => KnowledgeBase;
}

const knowledgeBaseOf = (host: CliHost): KnowledgeBase => host.knowledgeBase?.() ?? loadShippedKnowledgeBase(__dirname);

interface ProjectRun {
  /** The working directory (printed paths are relative to it). */
  cwd: string;
  loaded: LoadedProject;
  settings: Settings;
  installed: InstalledEnvironmentInput[];
}

/** Runs `check` up to its findings, without printing them: the CLI and the GitHub Action share it. */
export async function collectCheck(args: string[], io: Output, host: CliHost = {}): Promise<{ outcome: CheckOutcome; options: ReportOptions; diffs: string[] | null }> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'output-file': { type: 'string', short: 'o' },
      python: { type: 'string' },
      fix: { type: 'boolean', default: false },
      'unsafe-fixes': { type: 'boolean', default: false },
      'fix-pins': { type: 'boolean', default: false },
      diff: { type: 'boolean', default: false },
      'show-fixes': { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      statistics: { type: 'boolean', default: false },
      'exit-zero': { type: 'boolean', default: false },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      select: { type: 'string' },
      ignore: { type: 'string' },
      accelerator: { type: 'string', default: 'auto' },
      env: { type: 'string' },
      'no-env': { type: 'boolean', default: false },
      threads: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const format = values.format!;
  if (!(formatNames as readonly string[]).includes(format)) throw new UsageError(`--format must be ${formatNames.slice(0, -1).join(', ')} or ${formatNames[formatNames.length - 1]} (got '${format}')`);
  if (values.statistics && format !== 'text' && format !== 'json') throw new UsageError('--statistics prints text or json only');
  if (values.diff && values.fix) throw new UsageError('--diff shows what --fix would write: use one or the other');
  if (values.baseline && values['write-baseline']) throw new UsageError('--baseline and --write-baseline: use one or the other');
  if (values.python !== undefined && !/^\d+\.\d+$/.test(values.python)) throw new UsageError(`--python must look like 3.11 (got '${values.python}')`);
  if (values.threads !== undefined && !/^\d+$/.test(values.threads)) throw new UsageError(`--threads must be a number of threads, 0 for one per core (got '${values.threads}')`);
  const threads = values.threads === undefined ? 0 : Number(values.threads);
  if (values['no-cache'] && values['cache-dir'] !== undefined) throw new UsageError('--no-cache and --cache-dir: use one or the other');
  const accelerator = values.accelerator!;
  if (!['auto', 'cpu', 'cuda', 'rocm'].includes(accelerator)) throw new UsageError(`--accelerator must be auto, cpu, cuda or rocm`);
  let baseline: ReportOptions['baseline'];
  if (values.baseline !== undefined) {
    try {
      baseline = readBaseline(fromCwd(io, values.baseline));
    } catch (error) {
      throw error instanceof BaselineError ? new UsageError(error.message) : error;
    }
  }
  // Ruff's word for fixes that change behaviour; here they change what is installed (a pin, a tag).
  const unsafeFixes = values['unsafe-fixes']! || values['fix-pins']!;
  const options: ReportOptions = {
    format: format as FormatName,
    ...(values['output-file'] ? { outputFile: values['output-file'] } : {}),
    quiet: values.quiet!,
    statistics: values.statistics!,
    showFixes: values['show-fixes']!,
    unsafeFixes,
    exitZero: values['exit-zero']!,
    ...(baseline ? { baseline } : {}),
    ...(values['write-baseline'] ? { writeBaseline: values['write-baseline'] } : {}),
    color: io.isTTY && !process.env['NO_COLOR'],
  };
  // Flags win over [tool.pinwise] in the project's pyproject.toml, which wins over the defaults.
  const flags: PinwiseConfig = {
    ...(values.python ? { python: values.python } : {}),
    accelerator: accelerator as Settings['accelerator'],
    select: parseIdList(values.select, '--select'),
    ignore: parseIdList(values.ignore, '--ignore'),
  };

  if (values.env !== undefined && values['no-env']) throw new UsageError('--env and --no-env cannot be used together');
  const cwd = io.cwd ?? process.cwd();
  const given = values.env !== undefined ? locateEnvironment(fromCwd(io, values.env)) : null;
  if (values.env !== undefined && !given) throw new UsageError(`--env ${values.env}: not a virtualenv (pyvenv.cfg), a conda environment (conda-meta/) or a site-packages folder`);
  const paths = positionals.length > 0 ? positionals : ['.'];
  const kb = knowledgeBaseOf(host);
  const grammars = await loadGrammars();
  const runs: ProjectRun[] = [];
  // Said in the text report (machine formats keep stdout to their own format, stderr quiet).
  const notices: string[] = [];
  for (const path of paths) {
    const at = fromCwd(io, path);
    if (!existsSync(at)) throw new UsageError(`${path}: no such file or directory`);
    const { root, boundary, isDir, resolved, loaded } = loadCliProject(at, { grammars, flags, onProblem: (problem) => io.err(`pinwise: ${problem}\n`) });
    // An installed environment is read only when named (--env) or kept at PATH's root (.venv / venv).
    let installed: InstalledEnvironmentInput[] = [];
    if (given) {
      installed = [readEnvironment(given, root, values.env!)];
    } else if (!values['no-env'] && isDir) {
      const found = defaultEnvironmentDir(at, boundary);
      const location = found ? locateEnvironment(found) : null;
      if (found && location) {
        const label = relative(at, found).split(sep).join('/') || found;
        notices.push(`Checking the installed environment ${label} too (--no-env to skip).`);
        installed = [readEnvironment(location, root, label, boundary)];
      }
    }
    runs.push({ cwd, loaded, settings: resolved.engine, installed });
  }

  const reported: Reported[] = [];
  const internalErrors: string[] = [];
  const environments: CheckOutcome['environments'] = [];
  const diffs: string[] = [];
  for (const run of runs) {
    const input: AnalysisInput = { files: run.loaded.files, unreadable: run.loaded.unreadable, settings: run.settings, kb, grammars, installed: run.installed, parseCache: run.loaded.parses };
    if (values.diff) {
      const { changed } = fixAll(input, unsafeFixes);
      for (const [path, text] of changed) {
        const before = run.loaded.files.find((f) => f.path === path)?.text ?? '';
        diffs.push(unifiedDiff(fromWorkingDirectory(run, path), before, text));
      }
      continue;
    }
    if (values.fix) {
      const { changed, converged, passes } = fixAll(input, unsafeFixes);
      if (!converged) io.err(`pinwise: the fixes had not settled after ${passes} passes (some undo others); the files keep the texts reached, and a run of --fix again says what is left\n`);
      for (const [path, text] of changed) {
        const skipped = writeFixed(run.loaded, path, text);
        io.err(skipped === null ? `Fixed ${join(run.loaded.root, path)}\n` : `Skipped ${path}: ${skipped}\n`);
        if (skipped === null) {
          const file = run.loaded.files.find((f) => f.path === path);
          if (file) file.text = text;
        }
      }
    }
    // .py files go through worker threads and the cache; with neither (one thread asked, --no-cache), the plain analysis.
    const hasPerFile = run.loaded.files.some((f) => isPerFile(f));
    const cache = hasPerFile && !values['no-cache'] ? openCache(run, kb, values['cache-dir'], io) : null;
    let result: ReturnType<typeof analyze>;
    if (hasPerFile && (cache || threads !== 1)) {
      const checked = await checkProject({ input: { ...input, grammars, installed: run.installed }, threads, cache });
      result = checked.result;
      const { perFile, parsed, cached, threads: used } = checked.stats;
      if (values.verbose) io.err(`pinwise: ${run.loaded.root}: ${perFile} .py files: ${parsed} parsed, ${cached} from the cache, ${perFile - parsed - cached} settled by the prefilter; ${used} ${used === 1 ? 'thread' : 'threads'}\n`);
    } else {
      result = analyze(input);
      if (values.verbose) {
        const parsed = [...result.project.parsed.values()].filter((f) => f.python?.wasParsed?.()).length;
        const perFile = run.loaded.files.filter((f) => isPerFile(f)).length;
        io.err(`pinwise: ${run.loaded.root}: ${perFile} .py files: ${parsed} parsed, 0 from the cache, ${perFile - parsed} settled by the prefilter; 1 thread\n`);
      }
    }
    const rootLabel = relative(run.cwd, run.loaded.root).split(sep).join('/');
    for (const environment of result.project.environments) {
      environments.push({ label: rootLabel ? `${rootLabel}: ${environment.label}` : environment.label, files: environment.files.map((file) => fromWorkingDirectory(run, file)) });
    }
    for (const error of result.internalErrors) internalErrors.push(`internal error in rule ${error.ruleId}: ${error.message}`);
    const texts = new Map([...result.project.sources].map(([path, source]) => [path, source.text]));
    for (const file of run.loaded.files) if (!texts.has(file.path)) texts.set(file.path, file.text);
    const located = locate(result.findings, texts, displayPrefix(run, paths.length));
    result.findings.forEach((finding, index) => {
      const offending = linesOf(texts.get(finding.file) ?? '', finding.span);
      reported.push({ item: located[index]!, path: fromWorkingDirectory(run, finding.file), fingerprint: fingerprintOf(finding.ruleId, offending) });
    });
  }
  return { outcome: { reported, internalErrors, environments, notices, knowledgeDate: knowledgeDate(kb) }, options, diffs: values.diff ? diffs : null };
}

async function check(args: string[], io: Output, host: CliHost): Promise<number> {
  const { outcome, options, diffs } = await collectCheck(args, io, host);
  if (diffs) {
    const text = diffs.join('');
    if (options.outputFile) writeFile(fromCwd(io, options.outputFile), text);
    else io.out(text);
    return diffs.length > 0 ? 1 : 0;
  }
  return report(outcome, options, pinwiseVersion, io);
}

/**
 * The cache of a project's .py findings: in DIR (`--cache-dir`) or `.pinwise_cache` at the project
 * root, when it may be used there (see host/cache.ts); else none, and stderr says why.
 */
function openCache(run: ProjectRun, kb: ReturnType<typeof loadShippedKnowledgeBase>, dir: string | undefined, io: Output): FindingsCache | null {
  const folder = dir !== undefined ? fromCwd(io, dir) : join(run.loaded.root, defaultCacheDirName);
  const opened = openCacheFolder(run.loaded.boundary, folder);
  if (!opened.ok) {
    io.err(`pinwise: cache not used: ${relative(run.cwd, folder) || folder}: ${opened.reason}\n`);
    return null;
  }
  const rest = run.loaded.files.filter((f) => !isPerFile(f));
  const context = cacheContext({ version: pinwiseVersion, knowledgeBase: kb.documents, settings: run.settings, rest, installed: run.installed });
  return openFindingsCache(opened.dir, run.loaded.root, context);
}

/** The whole lines a span touches: `torchvision==0.17.0`, not just its `==0.17.0`, names the finding. */
function linesOf(text: string, span: { start: number; end: number }): string {
  const start = text.lastIndexOf('\n', Math.max(0, span.start - 1)) + 1;
  const newline = text.indexOf('\n', Math.max(span.end, span.start + 1) - 1);
  return text.slice(span.start === 0 ? 0 : start, newline === -1 ? text.length : newline);
}

/** A project file's path from the working directory, `/` separators (GitHub and GitLab want these). */
function fromWorkingDirectory(run: ProjectRun, path: string): string {
  return relative(run.cwd, join(run.loaded.root, path)).split(sep).join('/');
}

/** Paths print relative to the PATH given; with several PATHs, prefixed so they say which project. */
function displayPrefix(run: ProjectRun, pathCount: number): string {
  if (pathCount === 1) return '';
  const rel = relative(run.cwd, run.loaded.root).split(sep).join('/');
  return rel === '' ? '' : rel;
}

/**
 * Writes a fixed file: only a regular file inside the project boundary reached through no symbolic
 * link (see host/safe-write.ts), by an exclusively created temp file + rename, keeping its mode and
 * its encoding.
 * Refuses when the file changed on disk since it was read. Returns why it was not written, or null.
 */
function writeFixed(loaded: LoadedProject, path: string, text: string): string | null {
  const full = absolutePathOf(realPathOrSelf(loaded.root), path);
  const writable = writableFile(loaded.boundary, full);
  if (!writable.ok) return `not fixable automatically: ${writable.reason}`;
  const before = loaded.readStats.get(path);
  const original = loaded.files.find((f) => f.path === path)?.text;
  const changed = 'it changed on disk since it was read';
  let current: ReturnType<typeof readTextFile>;
  try {
    const now = statSync(full);
    current = readTextFile(full, true);
    if (!before || now.mtimeMs !== before.mtimeMs || now.size !== before.size || !current.ok || current.text !== original) return changed;
  } catch {
    return changed;
  }
  // Written back in the encoding it was read in, BOM included (host/decode.ts); a file whose bytes
  // the text cannot reproduce would change outside the fix.
  if (!current.decoded.exact) return `not fixable automatically: it is not valid ${current.decoded.encoding.toUpperCase()} (an odd trailing byte), and rewriting it would change bytes outside the fix`;
  try {
    replaceFile(full, encodeText(text, current.decoded), writable.mode);
    return null;
  } catch (error) {
    return `it could not be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

async function parseCommand(args: string[], io: Output): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('parse takes exactly one FILE');
  const file = positionals[0]!;
  const result = readTextFile(fromCwd(io, file));
  if (!result.ok) throw new UsageError(`${file}: cannot read: ${result.reason}`);
  const { parseRequirementsFile } = await import('../engine/parsers/requirements');
  const { toParseOutput } = await import('../engine/parse-output');
  const parsed = parseRequirementsFile(basename(file), result.text);
  io.out(JSON.stringify(toParseOutput(parsed, result.text), null, 2) + '\n');
  return 0;
}

function listRules(io: Output): number {
  const { rules } = require('../engine/rules') as typeof import('../engine/rules');
  for (const rule of rules) {
    io.out(`${rule.meta.id.padEnd(28)} ${rule.meta.defaultLevel.padEnd(8)} ${rule.meta.status === 'planned' ? '(planned) ' : ''}${rule.meta.summary}\n`);
  }
  return 0;
}

function ruleCommand(args: string[], io: Output): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError('rule takes at most one rule ID');
  try {
    io.out(ruleDocumentation(__dirname, positionals[0]));
  } catch (error) {
    throw error instanceof UnknownRuleError ? new UsageError(error.message) : error;
  }
  return 0;
}

export async function main(argv: string[], io: Output, host: CliHost = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(rest, io, host);
      case 'parse':
        return await parseCommand(rest, io);
      case 'rules':
        return listRules(io);
      case 'upgrade':
        return upgradeCommand(rest, io, { kb: knowledgeBaseOf(host), grammars: await loadGrammars(), write: writeFixed, diff: unifiedDiff });
      case 'stack':
        return stackCommand(rest, io, knowledgeBaseOf(host), await loadGrammars());
      case 'rule':
        return ruleCommand(rest, io);
      case '--version':
      case '-V':
        io.out(`pinwise ${pinwiseVersion} (knowledge current to ${knowledgeDate(knowledgeBaseOf(host)) ?? 'unknown'})\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`pinwise: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    io.err(`pinwise: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}
