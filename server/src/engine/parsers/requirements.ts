// pip's requirements-file format, ported to TypeScript with exact spans.
//
// The pipeline follows pip (src/pip/_internal/req/req_file.py, req/constructors.py):
//   physical lines (str.splitlines) -> join `\` continuations -> strip comments ->
//   split each logical line into requirement text and options (at the first token
//   that starts with `-`) -> shlex-split and optparse the options -> build the
//   requirement (PEP 508, URL, local path, wheel/sdist filename, editable).
// Differences from pip, all deliberate:
//   - no I/O: a path-looking requirement is taken as a local project directory, an
//     archive name as a file; `${VAR}` references are kept as written and listed;
//   - where pip stops at the first bad line, every line is checked and each bad
//     line becomes a problem (pip's wording) while the rest of the file is still read;
//   - options pip silently ignores (trailing arguments, index options on a
//     requirement line, a second `-r` on one line) are reported as problems.
// Never throws; every step is linear in the input.

import { blankRequirement, type Include, type ParsedFile, type PipOption, type PipOptionName, type Requirement, type Span, type SpecifierClause } from '../model';
import { normalizeName, parsePep508, type Pep508Requirement } from './pep508';
import { pushAll } from '../arrays';
import { TextMemo } from '../memo';

/** A `${NAME}` reference pip would expand from the environment (kept as written here). */
export interface EnvVarReference {
  line: number;
  name: string;
  span: Span;
}

export interface RequirementsComment {
  line: number;
  /** From `#` to the end of the logical line. */
  span: Span;
}

/** The requirements-file model plus what only this file kind has. */
export interface ParsedRequirementsFile extends ParsedFile {
  envVars: EnvVarReference[];
  comments: RequirementsComment[];
  /** Per-requirement `--config-settings` / `--global-option` (hashes live on the requirement). */
  requirementOptions: (PipOption & { requirementIndex: number })[];
}

// ---------------------------------------------------------------------------------------------
// Characters

/** Python's str.isspace() / `\s`. */
function isPySpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    (c >= 0x1c && c <= 0x1f) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Line boundaries of Python's str.splitlines(), which pip uses. */
function isPyLineBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 11 || c === 12 || (c >= 0x1c && c <= 0x1e) || c === 0x85 || c === 0x2028 || c === 0x2029;
}

// ---------------------------------------------------------------------------------------------
// Logical lines with a map back to the file

interface Segment {
  /** Offset in the logical line. */
  log: number;
  /** Offset in the file. */
  orig: number;
}

class LogicalLine {
  constructor(
    readonly text: string,
    private readonly segments: Segment[],
    /** 1-based physical line (LSP line breaks) where it starts. */
    readonly line: number,
  ) {}

  private segmentFor(pos: number): Segment {
    const segs = this.segments;
    let low = 0;
    let high = segs.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (segs[mid]!.log <= pos) low = mid;
      else high = mid - 1;
    }
    return segs[low]!;
  }

  at(pos: number): number {
    const seg = this.segmentFor(pos);
    return seg.orig + (pos - seg.log);
  }

  span(start: number, end: number): Span {
    const s = this.at(start);
    if (end <= start) return { start: s, end: s };
    return { start: s, end: this.at(end - 1) + 1 };
  }
}

function* logicalLines(text: string): Generator<LogicalLine> {
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lspLine = 1;
  // Pending continuation.
  let parts: string[] = [];
  let segs: Segment[] = [];
  let logLen = 0;
  let firstLine = 0;

  while (pos < n) {
    const start = pos;
    let end = pos;
    while (end < n && !isPyLineBreak(text.charCodeAt(end))) end++;
    // Consume the break.
    let next = end;
    let lspBreak = false;
    if (end < n) {
      const c = text.charCodeAt(end);
      if (c === 13 && text.charCodeAt(end + 1) === 10) next = end + 2;
      else next = end + 1;
      lspBreak = c === 10 || c === 13;
    }
    const thisLine = lspLine;
    if (lspBreak) lspLine++;
    pos = next;

    // pip's join_lines.
    let i = start;
    while (i < end && isPySpace(text.charCodeAt(i))) i++;
    const isComment = i < end && text.charCodeAt(i) === 35; /* # */
    const endsWithBackslash = end > start && text.charCodeAt(end - 1) === 92;
    if (!endsWithBackslash || isComment) {
      if (parts.length > 0) {
        if (isComment) {
          // pip prepends a space so the comment is still recognised after joining.
          parts.push(' ');
          segs.push({ log: logLen, orig: start });
          logLen += 1;
        }
        parts.push(text.slice(start, end));
        segs.push({ log: logLen, orig: start });
        yield new LogicalLine(parts.join(''), segs, firstLine);
        parts = [];
        segs = [];
        logLen = 0;
      } else {
        yield new LogicalLine(text.slice(start, end), [{ log: 0, orig: start }], thisLine);
      }
    } else {
      if (parts.length === 0) firstLine = thisLine;
      // line.strip("\\"): backslashes go from both ends.
      let s = start;
      let e = end;
      while (s < e && text.charCodeAt(s) === 92) s++;
      while (e > s && text.charCodeAt(e - 1) === 92) e--;
      parts.push(text.slice(s, e));
      segs.push({ log: logLen, orig: s });
      logLen += e - s;
    }
  }
  if (parts.length > 0) yield new LogicalLine(parts.join(''), segs, firstLine);
}

// ---------------------------------------------------------------------------------------------
// shlex.split (POSIX mode) with spans

interface Token {
  value: string;
  /** Logical-line offsets of the token as written (quotes included). */
  start: number;
  end: number;
  /** True when the value is exactly the written text (no quotes or escapes). */
  plain: boolean;
  /** How many leading characters of the value are written as is. */
  plainPrefix: number;
}

function shlexSplit(s: string, base: number): Token[] | { error: string } {
  const n = s.length;
  const isWs = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;
  const tokens: Token[] = [];
  let i = 0;
  while (i < n) {
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    const pieces: string[] = [];
    let plain = true;
    let plainPrefix = -1;
    while (i < n && !isWs(s.charCodeAt(i))) {
      const c = s.charCodeAt(i);
      if (plainPrefix < 0 && (c === 92 || c === 39 || c === 34)) plainPrefix = i - start;
      if (c === 92 /* \ */) {
        if (i + 1 >= n) return { error: 'No escaped character' };
        pieces.push(s[i + 1]!);
        i += 2;
        plain = false;
      } else if (c === 39 /* ' */) {
        const j = s.indexOf("'", i + 1);
        if (j < 0) return { error: 'No closing quotation' };
        pieces.push(s.slice(i + 1, j));
        i = j + 1;
        plain = false;
      } else if (c === 34 /* " */) {
        i++;
        let runStart = i;
        for (;;) {
          if (i >= n) return { error: 'No closing quotation' };
          const d = s.charCodeAt(i);
          if (d === 34) break;
          if (d === 92 && i + 1 < n && (s.charCodeAt(i + 1) === 34 || s.charCodeAt(i + 1) === 92)) {
            pieces.push(s.slice(runStart, i), s[i + 1]!);
            i += 2;
            runStart = i;
          } else i++;
        }
        pieces.push(s.slice(runStart, i));
        i++;
        plain = false;
      } else {
        const runStart = i;
        while (i < n) {
          const d = s.charCodeAt(i);
          if (isWs(d) || d === 92 || d === 39 || d === 34) break;
          i++;
        }
        pieces.push(s.slice(runStart, i));
      }
    }
    tokens.push({ value: pieces.join(''), start: base + start, end: base + i, plain, plainPrefix: plainPrefix < 0 ? i - start : plainPrefix });
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// The options pip accepts in requirements files (SUPPORTED_OPTIONS + SUPPORTED_OPTIONS_REQ)

interface OptionSpec {
  long: PipOptionName;
  names: string[];
  takesValue: boolean;
  /** Scoped to the requirement on the same line. */
  perRequirement?: boolean;
}

const OPTION_SPECS: OptionSpec[] = [
  { long: '--index-url', names: ['-i', '--index-url', '--pypi-url'], takesValue: true },
  { long: '--extra-index-url', names: ['--extra-index-url'], takesValue: true },
  { long: '--no-index', names: ['--no-index'], takesValue: false },
  { long: '--constraint', names: ['-c', '--constraint'], takesValue: true },
  { long: '--requirement', names: ['-r', '--requirement'], takesValue: true },
  { long: '--editable', names: ['-e', '--editable'], takesValue: true },
  { long: '--find-links', names: ['-f', '--find-links'], takesValue: true },
  { long: '--no-binary', names: ['--no-binary'], takesValue: true },
  { long: '--only-binary', names: ['--only-binary'], takesValue: true },
  { long: '--prefer-binary', names: ['--prefer-binary'], takesValue: false },
  { long: '--require-hashes', names: ['--require-hashes'], takesValue: false },
  { long: '--pre', names: ['--pre'], takesValue: false },
  { long: '--trusted-host', names: ['--trusted-host'], takesValue: true },
  { long: '--use-feature', names: ['--use-feature'], takesValue: true },
  { long: '--global-option', names: ['--global-option'], takesValue: true, perRequirement: true },
  { long: '--hash', names: ['--hash'], takesValue: true, perRequirement: true },
  { long: '--config-settings', names: ['-C', '--config-settings'], takesValue: true, perRequirement: true },
];

const SHORT = new Map<string, OptionSpec>();
const LONG = new Map<string, OptionSpec>();
for (const spec of OPTION_SPECS) {
  for (const name of spec.names) (name.startsWith('--') ? LONG : SHORT).set(name, spec);
}
const LONG_NAMES = [...LONG.keys()].sort();

const STRONG_HASHES = ['sha256', 'sha384', 'sha512'];

interface ParsedOption {
  spec: OptionSpec;
  /** The option token(s) through the value, logical offsets. */
  start: number;
  end: number;
  value: string | null;
  valueStart: number;
  valueEnd: number;
}

class OptionError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

/** optparse's long-option lookup, abbreviations included. */
function matchLong(opt: string, start: number, end: number): OptionSpec {
  const exact = LONG.get(opt);
  if (exact) return exact;
  const candidates = LONG_NAMES.filter((name) => name.startsWith(opt));
  if (candidates.length === 1) return LONG.get(candidates[0]!)!;
  if (candidates.length === 0) throw new OptionError(`no such option: ${opt}`, start, end);
  throw new OptionError(`ambiguous option: ${opt} (${candidates.join(', ')}?)`, start, end);
}

/** optparse.parse_args over the shlex tokens: options in order, plus leftover positional arguments. */
function parseOptions(tokens: Token[]): { options: ParsedOption[]; positional: Token[] } {
  const options: ParsedOption[] = [];
  const positional: Token[] = [];
  let i = 0;
  const valueOf = (tok: Token, from: number) =>
    // `from` is an index into tok.value; spans are exact only for plain tokens.
    tok.plain ? { start: tok.start + from, end: tok.end } : { start: tok.start, end: tok.end };

  while (i < tokens.length) {
    const tok = tokens[i]!;
    const arg = tok.value;
    if (arg === '--') {
      pushAll(positional, tokens.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const optText = eq >= 0 ? arg.slice(0, eq) : arg;
      const optEnd = eq >= 0 && eq <= tok.plainPrefix ? tok.start + eq : tok.end;
      const spec = matchLong(optText, tok.start, optEnd);
      const canonical = spec.names.find((n) => n.startsWith('--'))!;
      const shown = LONG.has(optText) ? optText : canonical;
      if (spec.takesValue) {
        if (eq >= 0) {
          const v = valueOf(tok, eq + 1);
          options.push({ spec, start: tok.start, end: tok.end, value: arg.slice(eq + 1), valueStart: v.start, valueEnd: v.end });
          i++;
        } else {
          const next = tokens[i + 1];
          if (!next) throw new OptionError(`${shown} option requires 1 argument`, tok.start, tok.end);
          options.push({ spec, start: tok.start, end: next.end, value: next.value, valueStart: next.start, valueEnd: next.end });
          i += 2;
        }
      } else {
        if (eq >= 0) throw new OptionError(`${shown} option does not take a value`, tok.start, tok.end);
        options.push({ spec, start: tok.start, end: tok.end, value: null, valueStart: tok.end, valueEnd: tok.end });
        i++;
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Short options, possibly clustered or with the value attached (`-rfile.txt`).
      i++;
      for (let k = 1; k < arg.length; k++) {
        const opt = `-${arg[k]}`;
        const spec = SHORT.get(opt);
        const optSpan = tok.plain ? { start: tok.start + k - 1, end: tok.start + k + 1 } : { start: tok.start, end: tok.end };
        if (!spec) throw new OptionError(`no such option: ${opt}`, k === 1 ? tok.start : optSpan.start, optSpan.end);
        if (!spec.takesValue) {
          options.push({ spec, start: optSpan.start, end: optSpan.end, value: null, valueStart: optSpan.end, valueEnd: optSpan.end });
          continue;
        }
        if (k + 1 < arg.length) {
          const v = valueOf(tok, k + 1);
          options.push({ spec, start: optSpan.start, end: tok.end, value: arg.slice(k + 1), valueStart: v.start, valueEnd: v.end });
        } else {
          const next = tokens[i];
          if (!next) throw new OptionError(`${opt} option requires 1 argument`, optSpan.start, optSpan.end);
          options.push({ spec, start: optSpan.start, end: next.end, value: next.value, valueStart: next.start, valueEnd: next.end });
          i++;
        }
        break;
      }
      continue;
    }
    positional.push(tok);
    i++;
  }

  // The callbacks pip attaches to some options validate their values.
  for (const o of options) {
    const v = o.value ?? '';
    const name = o.spec.long;
    if (name === '--hash') {
      const colon = v.indexOf(':');
      if (colon < 0)
        throw new OptionError(
          `Arguments to --hash must be a hash name followed by a value, like --hash=sha256:abcde...`,
          o.valueStart,
          o.valueEnd,
        );
      if (!STRONG_HASHES.includes(v.slice(0, colon)))
        throw new OptionError(`Allowed hash algorithms for --hash are ${STRONG_HASHES.join(', ')}.`, o.valueStart, o.valueEnd);
    } else if (name === '--config-settings') {
      if (!v.includes('=')) throw new OptionError(`Arguments to ${o.spec.names[1]} must be of the form KEY=VAL`, o.valueStart, o.valueEnd);
    } else if (name === '--no-binary' || name === '--only-binary') {
      if (v.startsWith('-')) throw new OptionError('--no-binary / --only-binary option requires 1 argument.', o.valueStart, o.valueEnd);
    }
  }
  return { options, positional };
}

// ---------------------------------------------------------------------------------------------
// Requirement forms pip recognises before PEP 508

const VCS_SCHEMES = [
  'bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file',
  'git+http', 'git+https', 'git+ssh', 'git+git', 'git+file',
  'hg+file', 'hg+http', 'hg+https', 'hg+ssh', 'hg+static-http',
  'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file',
];
const VCS_NAMES = ['bzr', 'git', 'hg', 'svn'];
const URL_SCHEMES = new Set(['http', 'https', 'file', 'ftp', ...VCS_SCHEMES]);

const ARCHIVE_EXTENSIONS = ['.zip', '.whl', '.tar.bz2', '.tbz', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma', '.tar.gz', '.tgz', '.tar'];

/** pip's vcs.is_url: a scheme pip downloads from or a VCS scheme. */
function isUrl(s: string): boolean {
  const colon = s.indexOf(':');
  return colon >= 0 && URL_SCHEMES.has(s.slice(0, colon).toLowerCase());
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.startsWith('.');
}

/** pip's misc.splitext: the extension, `.tar.*` kept whole. */
function archiveExtension(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return '';
  let ext = base.slice(dot);
  const stem = base.slice(0, dot);
  if (stem.toLowerCase().endsWith('.tar')) ext = stem.slice(-4) + ext;
  return ext.toLowerCase();
}

function isArchive(path: string): boolean {
  return ARCHIVE_EXTENSIONS.includes(archiveExtension(path));
}

/** Lenient percent-decoding, like urllib.parse.unquote. */
function unquote(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function pyRepr(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

// ---------------------------------------------------------------------------------------------
// The parser

/** Parses a requirements file; never throws, whatever the input. Includes are recorded, not followed. */
export function parseRequirementsFile(path: string, text: string): ParsedRequirementsFile {
  const file: ParsedRequirementsFile = {
    path,
    kind: 'requirements',
    requirements: [],
    options: [],
    includes: [],
    problems: [],
    envVars: [],
    comments: [],
    requirementOptions: [],
  };
  try {
    for (const logical of logicalLines(text)) parseLogicalLine(file, logical);
  } catch (error) {
    // Defensive: a bug here must not take the linter down.
    file.problems.push({
      line: 1,
      span: { start: 0, end: 0 },
      message: `Internal error while reading this requirements file: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return file;
}

function parseLogicalLine(file: ParsedRequirementsFile, logical: LogicalLine): void {
  const s = logical.text;
  const n = s.length;
  const line = logical.line;
  const problem = (start: number, end: number, message: string) => {
    file.problems.push({ line, span: logical.span(start, end), message });
  };

  // ignore_comments: `(^|\s+)#.*$` removed, then strip().
  let contentEnd = n;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) !== 35) continue;
    if (i === 0 || isPySpace(s.charCodeAt(i - 1))) {
      file.comments.push({ line, span: logical.span(i, n) });
      contentEnd = i;
      break;
    }
  }
  let start = 0;
  while (start < contentEnd && isPySpace(s.charCodeAt(start))) start++;
  while (contentEnd > start && isPySpace(s.charCodeAt(contentEnd - 1))) contentEnd--;
  if (start >= contentEnd) return;
  const content = s.slice(start, contentEnd);

  // `${VAR}` references (pip expands them from the environment; we keep them).
  for (let i = content.indexOf('${'); i >= 0; i = content.indexOf('${', i + 2)) {
    let j = i + 2;
    while (j < content.length && /[A-Z0-9_]/.test(content[j]!)) j++;
    if (j > i + 2 && content[j] === '}') {
      file.envVars.push({ line, name: content.slice(i + 2, j), span: logical.span(start + i, start + j + 1) });
    }
  }

  // break_args_options: the requirement part ends before the first ` -` token.
  let optionsAt = -1;
  for (let i = 0; i < content.length; i++) {
    if (content.charCodeAt(i) === 45 /* - */ && (i === 0 || content.charCodeAt(i - 1) === 32)) {
      optionsAt = i;
      break;
    }
  }
  const argsEnd = optionsAt < 0 ? content.length : Math.max(0, optionsAt - 1);
  const optionsText = optionsAt < 0 ? '' : content.slice(optionsAt);
  const optionsBase = start + (optionsAt < 0 ? content.length : optionsAt);

  const split = shlexSplit(optionsText, optionsBase);
  if ('error' in split) {
    problem(optionsBase, start + content.length, `Could not split options: ${optionsText} (${split.error})`);
    return;
  }
  let parsed: { options: ParsedOption[]; positional: Token[] };
  try {
    parsed = parseOptions(split);
  } catch (error) {
    if (error instanceof OptionError) {
      problem(error.start, error.end, error.message);
      return;
    }
    throw error;
  }
  const { options, positional } = parsed;
  if (positional.length > 0) {
    problem(
      positional[0]!.start,
      positional[positional.length - 1]!.end,
      `Incorrect and ignored trailing argument(s): ${positional.map((t) => t.value).join(' ')}`,
    );
  }

  const argsText = content.slice(0, argsEnd);
  const editables = options.filter((o) => o.spec.long === '--editable');
  const isRequirementLine = argsText.trim() !== '' || editables.length > 0;

  const toPipOption = (o: ParsedOption): PipOption => ({
    file: file.path,
    line,
    span: logical.span(o.start, o.end),
    option: o.spec.long,
    value: o.value,
    valueSpan: o.value === null ? null : logical.span(o.valueStart, o.valueEnd),
  });

  if (!isRequirementLine) {
    const first = new Map<PipOptionName, ParsedOption>();
    for (const o of options) if (!first.has(o.spec.long)) first.set(o.spec.long, o);
    const include = first.get('--requirement') ?? first.get('--constraint');
    for (const o of options) {
      if (o.spec.perRequirement) {
        if (o.spec.long === '--hash') problem(o.start, o.end, `--hash without a requirement on the same line is ignored`);
        else problem(o.start, o.end, `${o.spec.long} without a requirement on the same line is ignored`);
        continue;
      }
      if (include && o !== include) {
        const message =
          o.spec.long === '--requirement' || o.spec.long === '--constraint'
            ? `pip follows only the first ${include.spec.long} of a line and ignores this ${o.spec.long}; put it on its own line`
            : `pip ignores ${o.spec.long} on a line that includes another file with ${include.spec.long}; put it on its own line`;
        problem(o.start, o.end, message);
        continue;
      }
      if (o.spec.long === '--find-links' && o !== first.get('--find-links')) {
        problem(o.start, o.end, 'pip uses only the first --find-links of a line; put each on its own line');
        continue;
      }
      const option = toPipOption(o);
      file.options.push(option);
      if (o === include) {
        const inc: Include = {
          file: file.path,
          line,
          span: option.span,
          kind: o.spec.long === '--requirement' ? 'requirement' : 'constraint',
          target: o.value ?? '',
          targetSpan: option.valueSpan ?? option.span,
        };
        file.includes.push(inc);
      }
    }
    return;
  }

  // A requirement line: only per-requirement options apply, the rest pip ignores.
  const editable = argsText.trim() === '' ? editables[0] : undefined;
  const allowed = editable ? new Set<PipOptionName>(['--config-settings']) : new Set<PipOptionName>(['--hash', '--global-option', '--config-settings']);
  const hashes: string[] = [];
  const reqOptions: PipOption[] = [];
  for (const o of options) {
    if (o === editable) continue;
    if (!allowed.has(o.spec.long)) {
      const what = editable ? 'an editable requirement' : 'a requirement';
      const allowedText = editable ? '--config-settings' : '--hash, --config-settings and --global-option';
      problem(o.start, o.end, `pip ignores ${o.spec.long} on the line of ${what} (only ${allowedText} apply there); put it on its own line`);
      continue;
    }
    if (o.spec.long === '--hash') hashes.push(o.value ?? '');
    else reqOptions.push(toPipOption(o));
  }

  const requirement = editable
    ? editableRequirement(file, logical, editable, problem)
    : lineRequirement(file, logical, start, start + argsEnd, problem);
  if (!requirement) return;
  requirement.hashes = hashes;
  const index = file.requirements.push(requirement) - 1;
  for (const o of reqOptions) file.requirementOptions.push({ ...o, requirementIndex: index });
}

type ProblemSink = (start: number, end: number, message: string) => void;

function emptyRequirement(file: ParsedFile, logical: LogicalLine, span: Span): Requirement {
  return blankRequirement({ file: file.path, line: logical.line, span, origin: { section: 'requirements' } });
}

function mapClause(logical: LogicalLine, c: SpecifierClause, shift: number): SpecifierClause {
  return {
    operator: c.operator,
    version: c.version,
    span: logical.span(c.span.start + shift, c.span.end + shift),
    versionSpan: logical.span(c.versionSpan.start + shift, c.versionSpan.end + shift),
  };
}

/** Copies a PEP 508 result (logical offsets, plus `shift`) onto a requirement (file offsets); shares nothing mutable with it. */
function applyPep508(req: Requirement, logical: LogicalLine, r: Pep508Requirement, withName: boolean, shift = 0): void {
  const map = (sp: Span | null) => (sp ? logical.span(sp.start + shift, sp.end + shift) : null);
  if (withName) {
    req.name = r.name;
    req.nameSpan = map(r.nameSpan);
    req.normalizedName = normalizeName(r.name);
    req.extras = r.extras.slice();
    req.specifier = r.specifier;
    req.specifierSpan = map(r.specifierSpan);
    req.clauses = r.clauses.map((c) => mapClause(logical, c, shift));
    req.url = r.url;
    req.urlSpan = map(r.urlSpan);
  }
  req.marker = r.marker;
  req.markerSpan = map(r.markerSpan);
}

function invalidRequirementMessage(text: string, reason: string): string {
  // One line: editors and CLIs show the first line of a message, so pip's hints follow after a dash.
  const msg = `Invalid requirement: ${pyRepr(text)}: ${reason}`;
  if (looksLikePath(text) && (text.includes('/') || text.includes('\\'))) return `${msg} (it looks like a path)`;
  if (text.includes('=') && !['~=', '==', '!=', '<=', '>=', '<', '>', '==='].some((op) => text.includes(op))) {
    return reason.includes("did you mean '=='") ? msg : `${msg}; '=' is not a valid operator, did you mean '=='?`;
  }
  const parts = text.split(/\s+/).filter((p) => p !== '');
  if (parts.length >= 2 && parts.length <= 50 && parts.every((p) => parsePep508(p).ok)) {
    return `${msg}; pip takes one requirement per line: put each on its own line`;
  }
  return msg;
}

/** pip's parse_req_from_line, without touching the file system. */
function lineRequirement(file: ParsedFile, logical: LogicalLine, from: number, to: number, problem: ProblemSink): Requirement | null {
  const s = logical.text;
  // Trim the requirement text.
  while (from < to && isPySpace(s.charCodeAt(from))) from++;
  while (to > from && isPySpace(s.charCodeAt(to - 1))) to--;
  const whole = s.slice(from, to);
  const url = isUrl(whole);
  const sep = url ? '; ' : ';';
  const sepAt = whole.indexOf(sep);
  let reqEnd = sepAt < 0 ? to : from + sepAt;
  let markerStart = sepAt < 0 ? -1 : from + sepAt + sep.length;
  if (markerStart >= 0 && s.slice(markerStart, to).trim() === '') markerStart = -1;
  let nameEnd = reqEnd;
  while (nameEnd > from && isPySpace(s.charCodeAt(nameEnd - 1))) nameEnd--;
  const name = s.slice(from, nameEnd);
  const req = emptyRequirement(file, logical, logical.span(from, markerStart >= 0 ? to : nameEnd));

  // Marker of a URL or path requirement: parsed alone.
  const parseMarker = (): boolean => {
    if (markerStart < 0) return true;
    const markerText = s.slice(markerStart, to);
    const result = parsePep508(`x;${markerText}`, markerStart - 2);
    if (!result.ok) {
      const sp = result.span.start < markerStart ? { start: markerStart, end: to } : result.span;
      problem(sp.start, Math.max(sp.end, Math.min(to, sp.start + 1)), `Invalid marker: ${pyRepr(markerText.trim())}: ${result.message}`);
      return false;
    }
    applyPep508(req, logical, result.requirement, false);
    return true;
  };

  const atParts = name.split('@');
  const pathLike = !url && (looksLikePath(name) || isArchive(name)) && !(atParts.length >= 2 && !looksLikePath(atParts[0]!));
  if (url || pathLike) {
    let urlEnd = nameEnd;
    if (pathLike) {
      // `_strip_extras`: a trailing `[extras]` on a path.
      const m = /^(.+)(\[[^\]]+\])$/.exec(name);
      if (m) {
        urlEnd = from + m[1]!.length;
        req.extras = m[2]!
          .slice(1, -1)
          .split(',')
          .map((e) => e.trim())
          .filter((e) => e !== '');
      }
    }
    req.url = s.slice(from, urlEnd);
    req.urlSpan = logical.span(from, urlEnd);
    if (pathLike && !localPathOk(req.url, from, problem)) return null;
    if (!linkName(req, logical, from, urlEnd, problem)) return null;
    if (!parseMarker()) return null;
    return req;
  }

  const reqText = s.slice(from, markerStart >= 0 ? to : nameEnd);
  const result = parsePep508Memo(reqText);
  if (!result.ok) {
    let start = from + result.span.start;
    let end = from + result.span.end;
    if (end <= start) end = start < to ? to : start;
    if (end <= start) {
      start = from;
      end = to;
    }
    problem(start, end, invalidRequirementMessage(reqText, result.message));
    return null;
  }
  applyPep508(req, logical, result.requirement, true, from);
  return req;
}

// The same requirement text recurs across a file's re-parses (every keystroke re-reads the whole
// file, and lock files repeat lines): its PEP 508 parse, at offset 0, is kept by text, within a
// size bound (memo.ts). A requirement longer than a lock file's hashed line is parsed each time.
const pep508Memo = new TextMemo<ReturnType<typeof parsePep508>>(2 << 20, 16 * 1024);

function parsePep508Memo(text: string): ReturnType<typeof parsePep508> {
  return pep508Memo.get(text, (key) => parsePep508(key, 0));
}

/**
 * Name (and for wheels, version) of a URL or path requirement: from the wheel
 * filename, else from `#egg=`, else none. False when pip would reject it.
 */
function linkName(req: Requirement, logical: LogicalLine, from: number, to: number, problem: ProblemSink): boolean {
  const s = logical.text;
  const urlText = s.slice(from, to);
  // Path of the URL without query and fragment.
  let pathEnd = urlText.length;
  const hash = urlText.indexOf('#');
  if (hash >= 0) pathEnd = hash;
  const q = urlText.indexOf('?');
  if (q >= 0 && q < pathEnd) pathEnd = q;
  let lastEnd = pathEnd;
  while (lastEnd > 0 && urlText[lastEnd - 1] === '/') lastEnd--;
  const slash = Math.max(urlText.lastIndexOf('/', lastEnd - 1), urlText.lastIndexOf('\\', lastEnd - 1));
  const baseStart = slash + 1;
  const filenameRaw = urlText.slice(baseStart, lastEnd);

  if (filenameRaw.endsWith('.whl')) {
    // Wheel filename: {name}-{ver}(-{build})?-{py}-{abi}-{plat}.whl
    const stem = filenameRaw.slice(0, -4);
    const parts = stem.split('-');
    const ok =
      (parts.length === 5 || (parts.length === 6 && /^\d/.test(parts[2]!))) &&
      parts[0] !== '' &&
      parts.every((p, i) => (i === 1 || p !== '') && !/\s/.test(p));
    if (!ok) {
      problem(from + baseStart, from + lastEnd, `${unquote(filenameRaw)} is not a valid wheel filename.`);
      return false;
    }
    const nameRaw = parts[0]!;
    const verRaw = parts[1]!;
    const nameStart = from + baseStart;
    const verStart = nameStart + nameRaw.length + 1;
    // pip's Wheel.name: the filename escapes `-` as `_`.
    const name = unquote(nameRaw).replace(/_/g, '-');
    const version = unquote(verRaw).replace(/_/g, '-');
    req.name = name;
    req.nameSpan = logical.span(nameStart, nameStart + nameRaw.length);
    req.normalizedName = normalizeName(name);
    req.specifier = `==${version}`;
    const verSpan = logical.span(verStart, verStart + verRaw.length);
    req.specifierSpan = verSpan;
    req.clauses = [{ operator: '==', version, span: verSpan, versionSpan: verSpan }];
    return true;
  }

  const egg = eggFragment(urlText);
  if (egg) {
    const result = parsePep508(egg.value, from + egg.start);
    if (!result.ok) {
      problem(from + egg.start, from + egg.start + egg.value.length, `Invalid requirement: ${pyRepr(egg.value)}: ${result.message}`);
      return false;
    }
    const r = result.requirement;
    req.name = r.name;
    req.nameSpan = logical.span(r.nameSpan.start, r.nameSpan.end);
    req.normalizedName = normalizeName(r.name);
    if (r.extras.length > 0) req.extras = r.extras;
    if (r.specifier !== '') {
      req.specifier = r.specifier;
      req.specifierSpan = r.specifierSpan ? logical.span(r.specifierSpan.start, r.specifierSpan.end) : null;
      req.clauses = r.clauses.map((c) => mapClause(logical, c, 0));
    }
  }
  return true;
}

/**
 * pip reads a local path literally: `dir#egg=name` names a directory called
 * `dir#egg=name`, which is never what was meant. False (and a problem) then.
 */
function localPathOk(path: string, from: number, problem: ProblemSink): boolean {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(path);
  if (scheme) {
    const hint = /^git$/i.test(scheme[1]!) ? ` Use git+https:// (or git+git://).` : '';
    problem(
      from,
      from + scheme[0].length,
      `'${scheme[1]}' is not a URL scheme pip installs from (http, https, file, ftp or a VCS scheme such as git+https), so pip reads '${path}' as a local path.${hint}`,
    );
    return false;
  }
  const egg = path.indexOf('#egg=');
  if (egg < 0) return true;
  problem(
    from + egg,
    from + path.length,
    `#egg= works only on URLs: pip reads '${path}' as a local path and looks for a directory or file of exactly that name. Write the path alone, or a file: URL (file:${path.slice(0, egg)}#egg=…)`,
  );
  return false;
}

/** Link.egg_fragment: `[#&]egg=([^&]*)`, first match. */
function eggFragment(url: string): { value: string; start: number } | null {
  for (let i = url.indexOf('egg='); i >= 0; i = url.indexOf('egg=', i + 1)) {
    const before = url[i - 1];
    if (before !== '#' && before !== '&') continue;
    const start = i + 4;
    let end = url.indexOf('&', start);
    if (end < 0) end = url.length;
    if (end === start) return null;
    return { value: url.slice(start, end), start };
  }
  return null;
}

/** pip's parse_editable, without touching the file system. */
function editableRequirement(file: ParsedFile, logical: LogicalLine, o: ParsedOption, problem: ProblemSink): Requirement | null {
  const value = o.value ?? '';
  const from = o.valueStart;
  const exact = o.valueEnd - o.valueStart === value.length;
  const req = emptyRequirement(file, logical, logical.span(from, o.valueEnd));
  req.editable = true;
  const m = /^(.+)(\[[^\]]+\])$/.exec(value);
  const noExtras = m ? m[1]! : value;
  const urlEnd = exact ? from + noExtras.length : o.valueEnd;
  const extras = m
    ? m[2]!
        .slice(1, -1)
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '')
    : [];

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value);
  const scheme = schemeMatch ? schemeMatch[1]!.toLowerCase() : null;
  // A local project: a path (no `:` but a Windows drive's) or a file: URL.
  const isPath = !value.includes(':') || /^[A-Za-z]:[\\/]/.test(value);
  if (isPath || scheme === 'file') {
    req.url = noExtras;
    req.urlSpan = logical.span(from, urlEnd);
    req.extras = extras;
    if (isPath && !localPathOk(noExtras, from, problem)) return null;
    if (scheme === 'file') {
      const egg = eggFragment(noExtras);
      if (egg && exact) {
        const result = parsePep508(egg.value, from + egg.start);
        if (result.ok) {
          req.name = result.requirement.name;
          req.nameSpan = logical.span(result.requirement.nameSpan.start, result.requirement.nameSpan.end);
          req.normalizedName = normalizeName(result.requirement.name);
        }
      }
    }
    return req;
  }
  const isVcs = scheme !== null && (VCS_SCHEMES.includes(scheme) || (VCS_NAMES.includes(scheme) && VCS_SCHEMES.includes(`${scheme}+${scheme}`)));
  if (!isVcs) {
    problem(
      from,
      o.valueEnd,
      `${value} is not a valid editable requirement. It should either be a path to a local project or a VCS URL (beginning with ${VCS_SCHEMES.join(', ')}).`,
    );
    return null;
  }
  req.url = value;
  req.urlSpan = logical.span(from, o.valueEnd);
  const egg = eggFragment(value);
  if (!egg) {
    problem(from, o.valueEnd, `Could not detect requirement name for '${value}', please specify one with #egg=your_package_name`);
    return null;
  }
  const eggStart = exact ? from + egg.start : from;
  const result = parsePep508(egg.value, eggStart);
  if (!result.ok) {
    problem(eggStart, exact ? eggStart + egg.value.length : o.valueEnd, `Invalid requirement: ${pyRepr(egg.value)}: ${result.message}`);
    return null;
  }
  const r = result.requirement;
  req.name = r.name;
  req.nameSpan = exact ? logical.span(r.nameSpan.start, r.nameSpan.end) : req.span;
  req.normalizedName = normalizeName(r.name);
  req.extras = r.extras;
  return req;
}
