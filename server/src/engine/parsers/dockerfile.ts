// Dockerfiles: their RUN lines are shell (parsers/shell.ts reads them); the instructions around them
// decide where those commands run. Each FROM starts a stage — a fresh environment on its base image,
// or on an earlier stage (`FROM builder AS app`) — with global ARG defaults substituted in the image;
// COPY/ADD put build-context files at image paths, so `pip install -r /app/requirements.txt` names
// the project file that was copied there. What the base image holds is the knowledge base's question
// (project.ts asks it); this file only reads the text. Never throws.
import type { Grammars } from '../grammars';
import { LineIndex } from '../line-index';
import type { CommandScope, Include, InstallCommand, ParsedFile, Span } from '../model';
import { parseDockerfileRunLines } from './shell';

export function parseDockerfile(path: string, text: string, grammars?: Grammars): ParsedFile {
  const file = parseDockerfileRunLines(path, text, grammars);
  try {
    readStages(file, text);
  } catch {
    // A failure here must not lose the RUN lines: the stages are left out, and a note says so.
    delete file.scopes;
    for (const command of file.commands ?? []) delete command.scopes;
    file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: 'Not fully checked: its build stages could not be read.', level: 'note' });
  }
  return file;
}

// ---------------------------------------------------------------------------------------------
// Instructions: one per logical line (continuations joined, comment lines inside them dropped).

interface Word {
  text: string;
  span: Span;
}

interface Instruction {
  keyword: string;
  span: Span;
  /** Where the keyword is written. */
  keywordSpan: Span;
  line: number;
  /** The arguments as one text, each character with its offset in the file. */
  body: string;
  offsets: number[];
}

const knownInstructions = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** The escape character: `\` unless a `# escape=` parser directive at the top says otherwise. */
function escapeCharacter(text: string): string {
  for (const line of text.split(/\r?\n/, 16)) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) return '\\';
    if (directive[1]!.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) return directive[2];
  }
  return '\\';
}

function readInstructions(text: string, lines: LineIndex): Instruction[] {
  const escape = escapeCharacter(text);
  const out: Instruction[] = [];
  const lineRe = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
  let current: Instruction | null = null;
  let heredocs: string[] = [];
  for (let m = lineRe.exec(text); m && m[0] !== ''; m = lineRe.exec(text)) {
    const start = m.index;
    const content = m[0].replace(/[\r\n]+$/, '');
    if (heredocs.length > 0) {
      // A heredoc body (`RUN <<EOF … EOF`) is the command's input, not instructions.
      if (content.replace(/^\t+/, '') === heredocs[0]) heredocs.shift();
      continue;
    }
    if (current === null) {
      if (/^\s*(?:#.*)?$/.test(content)) continue;
      const keyword = /^(\s*)([A-Za-z]+)/.exec(content);
      if (!keyword) {
        out.push({ keyword: '', span: { start, end: start + content.length }, keywordSpan: { start, end: start + content.length }, line: lines.positionAt(start).line + 1, body: '', offsets: [] });
        continue;
      }
      const keywordStart = start + keyword[1]!.length;
      current = {
        keyword: keyword[2]!.toUpperCase(),
        span: { start: keywordStart, end: start + content.length },
        keywordSpan: { start: keywordStart, end: keywordStart + keyword[2]!.length },
        line: lines.positionAt(start).line + 1,
        body: '',
        offsets: [],
      };
      appendBody(current, content.slice(keyword[0].length), start + keyword[0].length, escape);
    } else if (/^\s*#/.test(content) || content.trim() === '') {
      continue; // comment and empty lines inside a continued instruction are dropped
    } else {
      appendBody(current, content, start, escape);
    }
    current.span.end = Math.max(current.span.end, start + content.length);
    if (!continues(content, escape)) {
      for (const h of current.body.matchAll(/<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g)) heredocs.push(h[2]!);
      out.push(current);
      current = null;
    }
  }
  if (current) out.push(current);
  return out;
}

function continues(content: string, escape: string): boolean {
  return content.trimEnd().endsWith(escape);
}

function appendBody(instruction: Instruction, chunk: string, offset: number, escape: string): void {
  let end = chunk.length;
  const trimmed = chunk.trimEnd();
  if (trimmed.endsWith(escape)) end = trimmed.length - 1;
  // The escaped line break joins the lines; a space keeps words apart as Docker's own split does.
  if (instruction.body !== '') {
    instruction.body += ' ';
    instruction.offsets.push(offset);
  }
  for (let i = 0; i < end; i++) {
    instruction.body += chunk[i]!;
    instruction.offsets.push(offset + i);
  }
}

/** The instruction's arguments split on whitespace, quotes removed, each with its written span. */
function wordsOf(instruction: Instruction): Word[] {
  const words: Word[] = [];
  for (const m of instruction.body.matchAll(/\S+/g)) {
    const first = instruction.offsets[m.index]!;
    const last = instruction.offsets[m.index + m[0].length - 1]!;
    words.push({ text: m[0].replace(/^(["'])(.*)\1$/s, '$2'), span: { start: first, end: last + 1 } });
  }
  return words;
}

/** The JSON-array form of COPY/ADD (`COPY ["a b.txt", "/app/"]`), or null. */
function jsonWords(instruction: Instruction): Word[] | null {
  const at = instruction.body.search(/\S/);
  if (at < 0 || instruction.body[at] !== '[') return null;
  try {
    const value: unknown = JSON.parse(instruction.body.slice(at));
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return null;
    const span = { start: instruction.offsets[at]!, end: instruction.span.end };
    return (value as string[]).map((text) => ({ text, span }));
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Stages

interface Copy {
  /** Build-context sources, or null when the files come from a stage or an image (`--from`) or a URL. */
  sources: string[] | null;
  /** Absolute image path (a trailing `/` kept: a directory). */
  destination: string;
  at: number;
}

interface Stage {
  scope: CommandScope;
  name: string | null;
  parent: Stage | null;
  start: number;
  /** Where the stage's commands run from, and what was copied into it, in order (inherited from its parent). */
  workdirs: { at: number; path: string }[];
  copies: Copy[];
  env: Map<string, string>;
  /** Stages built on this one (their commands include this stage's). */
  children: Stage[];
}

/** `${NAME}`, `$NAME`, `${NAME:-default}`, `${NAME:+alt}` from `vars`; null when a name has no known value. */
function substitute(text: string, vars: ReadonlyMap<string, string>): string | null {
  let unknown = false;
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const value = vars.get(name);
    if (op === '-') return value !== undefined && value !== '' ? value : (word ?? '');
    if (op === '+') return value !== undefined && value !== '' ? (word ?? '') : '';
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? null : out;
}

/** `a/./b/../c` → `/a/c`, against `cwd` when relative (image paths are absolute). */
function imagePath(path: string, cwd: string): string {
  const parts = path.startsWith('/') ? [] : cwd.split('/').filter((p) => p !== '');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** A build-context path as project paths take it: `./a/b` → `a/b`, `/a` → `a`, `.` → ``. */
function contextPath(source: string): string {
  const parts: string[] = [];
  for (const part of source.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

const globChars = /[*?[]/;

function globRegExp(glob: string): RegExp {
  let out = '';
  for (const c of glob) out += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[.+^${}()|\\\]]/.test(c) ? `\\${c}` : c === '[' ? '[' : c;
  try {
    return new RegExp(`^${out}$`);
  } catch {
    return /^$/;
  }
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The context paths a COPY may have put at `target` (an absolute image path), most likely first. */
function copiedSources(copy: Copy, target: string): string[] | null {
  const destination = copy.destination.replace(/\/+$/, '') || '/';
  const intoDirectory = copy.destination.endsWith('/') || (copy.sources?.length ?? 0) > 1;
  const inside = destination === '/' ? target.slice(1) : target.startsWith(`${destination}/`) ? target.slice(destination.length + 1) : null;
  if (target !== destination && inside === null) return null;
  if (copy.sources === null) return [];
  const out: string[] = [];
  for (const raw of copy.sources) {
    const source = contextPath(raw);
    if (target === destination) {
      if (!intoDirectory && !globChars.test(source)) out.push(source);
      continue;
    }
    const rest = inside!;
    if (globChars.test(baseName(source))) {
      // `COPY requirements*.txt /app/`: a matching file lands in the directory by its own name.
      const folder = source.includes('/') ? source.slice(0, source.lastIndexOf('/')) : '';
      if (!rest.includes('/') && globRegExp(baseName(source)).test(rest)) out.push(folder ? `${folder}/${rest}` : rest);
      continue;
    }
    if (rest === baseName(source) && source !== '') out.push(source); // a file copied into the directory
    out.push(source === '' ? rest : `${source}/${rest}`); // a directory's content copied into it
  }
  return out;
}

function readStages(file: ParsedFile, text: string): void {
  const lines = new LineIndex(text);
  const instructions = readInstructions(text, lines);
  const problem = (span: Span, line: number, message: string) => file.problems.push({ line, span: { ...span }, message });
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  const byName = new Map<string, Stage>();
  for (const instruction of instructions) {
    const stage = stages[stages.length - 1];
    if (!knownInstructions.has(instruction.keyword)) {
      const what = (instruction.keyword === '' ? text.slice(instruction.span.start, instruction.span.end).trim() : text.slice(instruction.keywordSpan.start, instruction.keywordSpan.end)).slice(0, 40);
      problem(instruction.keywordSpan, instruction.line, `Unknown instruction '${what}': Docker stops the build here (a RUN line continued without a trailing '\\'?).`);
      continue;
    }
    const words = wordsOf(instruction);
    switch (instruction.keyword) {
      case 'FROM': {
        const args = words.filter((w) => !w.text.startsWith('--'));
        const image = args[0];
        if (!image) {
          problem(instruction.keywordSpan, instruction.line, 'FROM names no image: every stage needs a base image (or `scratch`).');
          break;
        }
        let name: string | null = null;
        if (args.length > 1) {
          if (args[1]!.text.toLowerCase() !== 'as' || args.length !== 3) {
            problem({ start: args[1]!.span.start, end: args[args.length - 1]!.span.end }, instruction.line, 'FROM takes an image and an optional `AS name`; Docker rejects the rest.');
          } else name = args[2]!.text.toLowerCase();
        }
        const reference = substitute(image.text, globalArgs);
        const parent = reference !== null ? byName.get(reference.toLowerCase()) ?? null : null;
        const index = stages.length;
        const written = text.slice(image.span.start, image.span.end);
        const scope: CommandScope = { id: `stage-${index}`, label: `${name ? `stage ${name}, ` : ''}FROM ${written}` };
        const base = parent ? parent.scope.baseImage : reference !== null && reference !== '' ? { reference, span: { ...image.span }, literal: reference === written, line: instruction.line } : undefined;
        if (base) scope.baseImage = { ...base, span: { ...base.span } };
        const next: Stage = {
          scope,
          name,
          parent,
          start: instruction.span.start,
          workdirs: parent ? [...parent.workdirs] : [],
          copies: parent ? [...parent.copies] : [],
          env: new Map(parent?.env ?? []),
          children: [],
        };
        parent?.children.push(next);
        stages.push(next);
        if (name) byName.set(name, next);
        break;
      }
      case 'ARG': {
        for (const w of words) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(w.text);
          if (!m) continue;
          const [, key, value] = m;
          if (!stage) {
            if (value !== undefined) globalArgs.set(key!, value.replace(/^(["'])(.*)\1$/s, '$2'));
            continue;
          }
          const resolved = value !== undefined ? substitute(value.replace(/^(["'])(.*)\1$/s, '$2'), stage.env) : (globalArgs.get(key!) ?? null);
          if (resolved !== null) stage.env.set(key!, resolved);
          else stage.env.delete(key!);
        }
        break;
      }
      case 'ENV': {
        if (!stage) break;
        const pairs = words.every((w) => w.text.includes('=')) ? words.map((w) => w.text) : words.length >= 2 ? [`${words[0]!.text}=${words.slice(1).map((w) => w.text).join(' ')}`] : [];
        for (const pair of pairs) {
          const eq = pair.indexOf('=');
          const key = pair.slice(0, eq);
          const value = substitute(pair.slice(eq + 1).replace(/^(["'])(.*)\1$/s, '$2'), stage.env);
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
          if (value !== null) stage.env.set(key, value);
          else stage.env.delete(key);
        }
        break;
      }
      case 'WORKDIR': {
        if (!stage || words.length === 0) break;
        const path = substitute(words.map((w) => w.text).join(' '), stage.env);
        const cwd = cwdAt(stage, instruction.span.start);
        // An unknown directory makes every relative path after it unknown.
        stage.workdirs.push({ at: instruction.span.start, path: path === null ? '\0' : imagePath(path, cwd === '\0' ? '/' : cwd) });
        break;
      }
      case 'COPY':
      case 'ADD': {
        if (!stage) break;
        const flags = words.filter((w) => w.text.startsWith('--'));
        const fromElsewhere = flags.some((w) => /^--from=/.test(w.text));
        const rest = words.filter((w) => !w.text.startsWith('--'));
        const json = jsonWords({ ...instruction, body: instruction.body.replace(/^\s*(?:--\S+\s+)*/, (m) => ' '.repeat(m.length)) });
        const values = (json ?? rest).map((w) => substitute(w.text, stage.env));
        if (values.length < 2) {
          problem(instruction.keywordSpan, instruction.line, `${instruction.keyword} needs a source and a destination.`);
          break;
        }
        const destinationText = values[values.length - 1];
        const cwd = cwdAt(stage, instruction.span.start);
        if (destinationText === null || destinationText === undefined || (cwd === '\0' && !destinationText.startsWith('/'))) {
          // Copied somewhere unknown: later paths cannot be matched to it (nor is any path shadowed).
          break;
        }
        const sources = values.slice(0, -1);
        const fromContext = !fromElsewhere && sources.every((s) => s !== null && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith('git@'));
        const destination = imagePath(destinationText, cwd) + (destinationText.endsWith('/') || destinationText === '.' ? '/' : '');
        stage.copies.push({ sources: fromContext ? (sources as string[]) : null, destination, at: instruction.span.start });
        break;
      }
      default: {
        if (!stage && instruction.keyword !== 'ARG') problem(instruction.keywordSpan, instruction.line, `${instruction.keyword} before the first FROM: Docker allows only ARG there.`);
      }
    }
  }
  if (stages.length === 0) return;
  file.scopes = stages.map((s) => s.scope);
  const stageAt = (offset: number): Stage | null => {
    let found: Stage | null = null;
    for (const stage of stages) if (stage.start <= offset) found = stage;
    return found;
  };
  const descendants = (stage: Stage): string[] => [stage.scope.id, ...stage.children.flatMap(descendants)];
  for (const command of file.commands ?? []) {
    const stage = stageAt(command.span.start);
    if (!stage) {
      command.scopes = [];
      continue;
    }
    command.scopes = descendants(stage);
    for (const include of command.includes) mapCopied(include, command, stage);
  }
}

/** The stage's working directory at `offset` (`\0`: not known). */
function cwdAt(stage: Stage, offset: number): string {
  let cwd = '/';
  for (const workdir of stage.workdirs) if (workdir.at < offset) cwd = workdir.path;
  return cwd;
}

/** An include of a RUN line that reads a file COPY put there: the context files it came from. */
function mapCopied(include: Include, command: InstallCommand, stage: Stage): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(include.target) || /[$`]/.test(include.target)) return;
  const cwd = cwdAt(stage, command.span.start);
  if (cwd === '\0' && !include.target.startsWith('/')) return;
  const target = imagePath(include.target, cwd);
  // The last copy that reaches the path decides what is there.
  for (let i = stage.copies.length - 1; i >= 0; i--) {
    const copy = stage.copies[i]!;
    if (copy.at > command.span.start) continue;
    const sources = copiedSources(copy, target);
    if (sources === null) continue;
    if (sources.length > 0) include.copiedFrom = [...new Set(sources)];
    return;
  }
}
