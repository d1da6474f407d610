// Windows install scripts: cmd.exe batch files (`.bat`, `.cmd`) and PowerShell scripts (`.ps1`).
// There is no grammar for either here, so each has a small tokenizer that finds command lines and
// their words with the place every character is written; pip's command line itself is read by the
// shell parser's `addPipCommand`, like a bash script's. Never throws.
//
// What each shell does that matters for pip commands:
// - cmd.exe expands `%VAR%` in the text of a line before it splits it into commands (`&`, `&&`,
//   `||`, `|`, parenthesized blocks) and words; `^` escapes the next character and continues a line
//   at its end; `"` quotes; `<` / `>` redirect wherever they stand outside quotes; `REM` and `::`
//   lines are comments. A variable's characters keep the place its `set` line wrote them, so a pin
//   in `set TORCH_COMMAND=pip install torch==2.1.2 …` is found, and fixed, on that line.
// - PowerShell: `#` and `<# … #>` comments, `` ` `` escapes and continues lines, `;` and newlines
//   end statements, `'…'` is literal, `"…"` expands `$var` / `$env:VAR`, `&` calls a command named
//   by a string or variable, `>` redirects and `<` is a parse error.
import { LineIndex } from '../line-index';
import type { InstallCommand, ParsedFile, Span, UnquotedSpecifier } from '../model';
import type { MappedText } from './pyproject';
import { addPipCommand, findPip, type CommandWord } from './shell';

const maxScriptLength = 2_000_000;

/** One character of a command line after expansion: where it is written, and where it was used when a variable brought it. */
interface Ch {
  c: string;
  at: number;
  end: number;
  /** 0: written where it stands; else the expansion that brought it (its `use` span is where the variable is named). */
  origin: number;
  use?: Span;
  /** From a variable whose value cannot be known statically (`%1`, `%~dp0`, `set /p`, an undefined name). */
  unknown?: boolean;
  /** cmd.exe: escaped by `^` (never special). */
  escaped?: boolean;
  /** PowerShell: a quote that delimits a string (not part of the value). */
  quote?: boolean;
}

/** A redirection written in a command, kept for `unquoted-specifier`. */
interface Redirect {
  operator: '<' | '>';
  /** The operator character. */
  op: Ch;
  /** The word it is glued to (`numpy>=1.24`), or the word before it when the target starts with `=` (`torch >=2.1`). */
  nameWord: number | null;
  /** The target as written, operator excluded. */
  target: Ch[];
}

interface Command {
  words: Ch[][];
  redirects: Redirect[];
}

function newFile(path: string, kind: 'batch' | 'powershell'): ParsedFile {
  return { path, kind, requirements: [], options: [], includes: [], problems: [], commands: [] };
}

function tooLong(file: ParsedFile, text: string): boolean {
  if (text.length <= maxScriptLength) return false;
  file.problems.push({ line: 1, span: { start: 0, end: 0 }, level: 'note', message: `Not fully checked: it is ${Math.round(text.length / 1000)} KB, over the ${maxScriptLength / 1_000_000} MB a script may have to be read.` });
  return true;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\f' || c === '\v';
const packageWord = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?$/;

/** Where a run of characters is written: its own place when one origin brought them all, else where the variables were used. */
function placeOf(chars: readonly Ch[]): { place: (ch: Ch) => Span } {
  const origin = chars[0]?.origin ?? 0;
  const single = chars.every((ch) => ch.origin === origin);
  return { place: (ch) => (single || ch.origin === 0 || !ch.use ? { start: ch.at, end: ch.end } : ch.use) };
}

/** A word for the pip command reader: its value without quotes (null when not known), its span, and its text as written. */
function toWord(text: string, chars: readonly Ch[], isQuote: (ch: Ch, i: number) => boolean): CommandWord {
  const { place } = placeOf(chars);
  const span = { start: place(chars[0]!).start, end: place(chars[chars.length - 1]!).end };
  const kept = chars.filter((ch, i) => !isQuote(ch, i));
  let value: MappedText | null = null;
  if (!chars.some((ch) => ch.unknown)) {
    const starts = kept.map((ch) => place(ch).start);
    const ends = kept.map((ch) => place(ch).end);
    const whole = kept.length > 0 ? { start: starts[0]!, end: ends[ends.length - 1]! } : { start: span.start, end: span.start };
    value = { text: kept.map((ch) => ch.c).join(''), starts, ends, whole };
  }
  return { value, span, raw: text.slice(span.start, Math.max(span.start, span.end)) };
}

/** Reads a command's words as pip, if they are pip, into `file`; notes the unquoted requirements it redirects. */
function readCommand(file: ParsedFile, text: string, lines: LineIndex, command: Command, words: CommandWord[], shell: 'cmd' | 'powershell'): InstallCommand | null {
  const pip = findPip(words);
  if (!pip) return null;
  // The command as written where it runs: a variable's characters count where the variable is named.
  let start = Infinity;
  let end = -Infinity;
  for (const word of command.words) {
    for (const ch of word) {
      const place = ch.use ?? { start: ch.at, end: ch.end };
      start = Math.min(start, place.start);
      end = Math.max(end, place.end);
    }
  }
  const installed = addPipCommand(file, lines, { start, end }, pip.tool, words.slice(pip.next), true);
  if (installed?.action === 'install') installed.unquotedSpecifiers = unquoted(text, command, shell, pip.next);
  // Windows paths: `-r extensions\\api\\requirements.txt` is the project path `extensions/api/requirements.txt`.
  for (const include of installed?.includes ?? []) include.target = include.target.replace(/\\/g, '/');
  return installed;
}

function unquoted(text: string, command: Command, shell: 'cmd' | 'powershell', firstArgument: number): UnquotedSpecifier[] {
  const found: UnquotedSpecifier[] = [];
  for (const redirect of command.redirects) {
    if (redirect.nameWord === null || redirect.nameWord < firstArgument || redirect.target.length === 0) continue;
    const nameChars = command.words[redirect.nameWord]!;
    const name = nameChars.map((ch) => ch.c).join('');
    if (!packageWord.test(name) || nameChars.some((ch) => ch.unknown)) continue;
    const chars = [...nameChars, redirect.op, ...redirect.target];
    const { place } = placeOf(chars);
    const span = { start: place(chars[0]!).start, end: place(chars[chars.length - 1]!).end };
    if (span.end <= span.start) continue;
    found.push({
      span,
      text: text.slice(span.start, span.end),
      operator: redirect.operator,
      operatorSpan: place(redirect.op),
      target: redirect.target.map((ch) => ch.c).join(''),
      shell,
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// cmd.exe

/** A `.bat` / `.cmd` file's pip commands, in the order they are written. */
export function parseBatchFile(path: string, text: string): ParsedFile {
  const file = newFile(path, 'batch');
  if (tooLong(file, text)) return file;
  new BatchReader(file, text).run();
  return file;
}

class BatchReader {
  private readonly lines: LineIndex;
  /** Variables by upper-case name: their characters, or null when the value cannot be known. */
  private readonly vars = new Map<string, Ch[] | null>();
  private delayed = false;
  private expansions = 0;

  constructor(
    private readonly file: ParsedFile,
    private readonly text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  run(): void {
    for (const line of this.logicalLines()) {
      // Labels and `::` comments: a line whose first character (after `@` and blanks) is `:`.
      const firstIndex = line.findIndex((ch) => !isSpace(ch.c) && ch.c !== '@');
      if (firstIndex === -1 || line[firstIndex]!.c === ':') continue;
      for (const chars of this.splitCommands(this.expandPercent(line))) {
        if (!this.command(chars)) break; // REM: the rest of the line is a comment
      }
    }
  }

  /** Physical lines joined where an unquoted `^` ends one (the next line's first character is then literal). */
  private *logicalLines(): Generator<Ch[]> {
    const text = this.text;
    let line: Ch[] = [];
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\r' && text[i + 1] === '\n') continue;
      if (c === '\n' || c === '\r') {
        yield line;
        line = [];
        quoted = false;
        continue;
      }
      if (c === '"') quoted = !quoted;
      if (c === '^' && !quoted) {
        const next = text[i + 1];
        const newline = next === '\n' ? 1 : next === '\r' ? (text[i + 2] === '\n' ? 2 : 1) : 0;
        if (newline > 0) {
          i += newline;
          // The first character of the next line is taken as it is (escaped).
          const after = text[i + 1];
          if (after !== undefined && after !== '\n' && after !== '\r') {
            line.push({ c: `^${after}`, at: i + 1, end: i + 2, origin: 0 });
            i++;
          }
          continue;
        }
      }
      line.push({ c, at: i, end: i + 1, origin: 0 });
    }
    if (line.length > 0) yield line;
  }

  /** Phase 1: `%%` → `%`, `%VAR%` → its value (or an unknown character), `%1` / `%~dp0` / `%*` unknown. */
  private expandPercent(line: Ch[]): Ch[] {
    const out: Ch[] = [];
    // Each Ch holds one character except an escaped line start (`^x`); index through `line` directly.
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      const isBang = ch.c === '!' && this.delayed;
      if (ch.c !== '%' && !isBang) {
        out.push(ch);
        continue;
      }
      const mark = ch.c;
      const next = line[i + 1]?.c;
      if (mark === '%' && next === '%') {
        out.push({ ...ch, end: line[i + 1]!.end });
        i++;
        continue;
      }
      if (mark === '%' && next !== undefined && /[0-9*~]/.test(next)) {
        // Batch parameters: `%1`, `%*`, `%~dp0`, `%~nx1`.
        let j = i + 1;
        if (next === '~') {
          j++;
          while (j < line.length && /[a-zA-Z$:]/.test(line[j]!.c) && !/[0-9]/.test(line[j]!.c)) j++;
        }
        if (j < line.length && /[0-9*]/.test(line[j]!.c)) {
          out.push(this.unknownChar(ch.at, line[j]!.end));
          i = j;
          continue;
        }
      }
      let close = -1;
      for (let j = i + 1; j < line.length; j++) {
        if (line[j]!.c === mark) {
          close = j;
          break;
        }
      }
      if (close === -1 || close === i + 1) {
        out.push(ch);
        continue;
      }
      const name = line.slice(i + 1, close).map((c) => c.c).join('');
      const use = { start: ch.at, end: line[close]!.end };
      const value = /[:~]/.test(name) || isBang ? null : this.vars.get(name.toUpperCase());
      if (value === undefined || value === null || this.expansions > 100_000) out.push(this.unknownChar(use.start, use.end));
      else {
        const origin = ++this.expansions;
        for (const v of value) out.push({ ...v, origin, use });
      }
      i = close;
    }
    return out;
  }

  private unknownChar(start: number, end: number): Ch {
    return { c: '\u0000', at: start, end, origin: 0, unknown: true };
  }

  /** Phase 2: the commands of a line, split at unquoted `&`, `&&`, `||`, `|` and block parentheses. Carets are removed. */
  private splitCommands(line: Ch[]): Ch[][] {
    const commands: Ch[][] = [];
    let current: Ch[] = [];
    let quoted = false;
    const flush = () => {
      if (current.some((ch) => !isSpace(ch.c))) commands.push(current);
      current = [];
    };
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch.c.length === 2) {
        current.push({ ...ch, c: ch.c[1]!, escaped: true });
        continue;
      }
      if (ch.c === '"' && !ch.unknown) {
        quoted = !quoted;
        current.push(ch);
        continue;
      }
      if (quoted) {
        current.push(ch);
        continue;
      }
      if (ch.c === '^') {
        const next = line[i + 1];
        if (next) current.push({ ...next, escaped: true });
        i++;
        continue;
      }
      if (ch.c === '&' || ch.c === '|') {
        flush();
        if (line[i + 1]?.c === ch.c) i++;
        continue;
      }
      // A block opens where a word starts with `(` and closes at `)`.
      if (ch.c === '(' && (current.length === 0 || isSpace(current[current.length - 1]!.c))) {
        flush();
        continue;
      }
      if (ch.c === ')') {
        flush();
        continue;
      }
      current.push(ch);
    }
    flush();
    return commands;
  }

  /** One command: keywords stripped, `set` remembered, pip read. False when the rest of the line is a comment. */
  private command(chars: Ch[]): boolean {
    const { words, redirects } = tokenizeBatch(chars);
    let k = 0;
    const upper = (i: number) => (words[i] ?? []).map((ch) => ch.c).join('').toUpperCase();
    // `@` before a command hides its echo.
    while (words[k] && words[k]!.length > 0 && words[k]![0]!.c === '@') {
      words[k] = words[k]!.slice(1);
      if (words[k]!.length === 0) k++;
    }
    for (let guard = 0; guard < 16 && k < words.length; guard++) {
      const word = upper(k);
      if (word === 'REM' || word.startsWith('REM.') || word === '::') return false;
      if (word === 'CALL') {
        k++;
        if (upper(k).startsWith(':')) return true;
        continue;
      }
      if (word === 'ELSE') {
        k++;
        continue;
      }
      if (word === 'IF') {
        k = skipCondition(k + 1, upper);
        continue;
      }
      if (word === 'FOR') {
        while (k < words.length && upper(k) !== 'DO') k++;
        k++;
        continue;
      }
      break;
    }
    if (k >= words.length) return true;
    const name = upper(k);
    if (name === 'SET') {
      this.assign(chars, words[k]!);
      return true;
    }
    if (name === 'SETLOCAL') {
      if (words.slice(k + 1).some((_, i) => upper(k + 1 + i) === 'ENABLEDELAYEDEXPANSION')) this.delayed = true;
      return true;
    }
    const used = words.slice(k);
    const command: Command = { words: used, redirects: redirects.map((r) => ({ ...r, nameWord: r.nameWord === null ? null : r.nameWord - k })).filter((r) => r.nameWord === null || r.nameWord >= 0) };
    const commandWords = used.map((w) => toWord(this.text, w, (ch) => ch.c === '"' && !ch.escaped && !ch.unknown));
    readCommand(this.file, this.text, this.lines, command, commandWords, 'cmd');
    return true;
  }

  /** `set NAME=value`, `set "NAME=value"`; `set /p` and `set /a` make the name unknown. */
  private assign(chars: Ch[], setWord: Ch[]): void {
    let i = chars.indexOf(setWord[setWord.length - 1]!) + 1;
    while (i < chars.length && isSpace(chars[i]!.c)) i++;
    let rest = chars.slice(i);
    const head = rest.map((ch) => ch.c).join('');
    const flag = /^\/([pPaA])\s*/.exec(head);
    if (flag) {
      const assignment = head.slice(flag[0].length).replace(/^"/, '');
      const name = assignment.slice(0, Math.max(0, assignment.indexOf('='))).trim();
      if (name) this.vars.set(name.toUpperCase(), null);
      return;
    }
    if (rest[0]?.c === '"') {
      let lastQuote = -1;
      for (let j = rest.length - 1; j > 0; j--) {
        if (rest[j]!.c === '"') {
          lastQuote = j;
          break;
        }
      }
      rest = rest.slice(1, lastQuote === -1 ? rest.length : lastQuote);
    }
    const eq = rest.findIndex((ch) => ch.c === '=');
    if (eq <= 0) return;
    const name = rest.slice(0, eq).map((ch) => ch.c).join('');
    if (rest.slice(0, eq).some((ch) => ch.unknown)) return;
    const value = rest.slice(eq + 1);
    // A value's characters keep where they are written (the `set` line, or the set line of a variable it uses).
    this.vars.set(name.toUpperCase(), value.some((ch) => ch.unknown) ? null : value.map((ch) => ({ c: ch.c, at: ch.at, end: ch.end, origin: 0 })));
  }
}

/** The condition of `if [/i] [not] …`: returns the index of the command word that follows it. */
function skipCondition(k: number, upper: (i: number) => string): number {
  if (upper(k) === '/I') k++;
  if (upper(k) === 'NOT') k++;
  const word = upper(k);
  if (word === 'EXIST' || word === 'DEFINED' || word === 'ERRORLEVEL' || word === 'CMDEXTVERSION') return k + 2;
  if (word.includes('==') && !word.endsWith('==')) return k + 1;
  if (word.endsWith('==')) return k + 2;
  if (upper(k + 1) === '==' || /^(?:EQU|NEQ|LSS|LEQ|GTR|GEQ)$/.test(upper(k + 1))) return k + 3;
  if (upper(k + 1).startsWith('==')) return k + 2;
  return k + 1;
}

/** Words of one cmd.exe command, split at blanks outside quotes, with `<` / `>` redirections taken out. */
function tokenizeBatch(chars: Ch[]): Command {
  const words: Ch[][] = [];
  const redirects: Redirect[] = [];
  let current: Ch[] = [];
  let quoted = false;
  const escaped = (ch: Ch) => ch.escaped === true;
  const flush = () => {
    if (current.length > 0) words.push(current);
    current = [];
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch.c === '"' && !escaped(ch) && !ch.unknown) quoted = !quoted;
    if (!quoted && !escaped(ch) && (ch.c === '<' || ch.c === '>')) {
      // `2>`, `1>`: a handle number glued before the operator is part of the redirection.
      const handle = current.length === 1 && /^[0-9]$/.test(current[0]!.c);
      const glued = current.length > 0 && !handle;
      if (handle) current = [];
      const gluedWord = glued ? words.length : null;
      flush();
      let j = i + 1;
      if (chars[j]?.c === ch.c || chars[j]?.c === '&') j++;
      if (chars[j - 1]?.c === '&') j++; // `2>&1`
      while (j < chars.length && isSpace(chars[j]!.c)) j++;
      const target: Ch[] = [];
      let targetQuoted = false;
      for (; j < chars.length; j++) {
        const t = chars[j]!;
        if (t.c === '"' && !escaped(t)) targetQuoted = !targetQuoted;
        if (!targetQuoted && (isSpace(t.c) || ((t.c === '<' || t.c === '>') && !escaped(t)))) break;
        target.push(t);
      }
      let nameWord = gluedWord;
      // `torch >=2.1`: the word before names the requirement.
      if (nameWord === null && !handle && target[0]?.c === '=' && chars[i + 1] === target[0] && words.length > 0) nameWord = words.length - 1;
      redirects.push({ operator: ch.c, op: ch, nameWord, target });
      i = j - 1;
      continue;
    }
    if (!quoted && isSpace(ch.c)) {
      flush();
      continue;
    }
    current.push(ch);
  }
  flush();
  return { words, redirects };
}

// ---------------------------------------------------------------------------------------------
// PowerShell

/** A `.ps1` file's pip commands, in the order they are written. */
export function parsePowerShellScript(path: string, text: string): ParsedFile {
  const file = newFile(path, 'powershell');
  if (tooLong(file, text)) return file;
  new PowerShellReader(file, text).run();
  return file;
}

const statementKeywords = new Set(['if', 'elseif', 'else', 'while', 'foreach', 'for', 'switch', 'function', 'filter', 'try', 'catch', 'finally', 'do', 'until', 'param', 'begin', 'process', 'end', 'trap', 'return', 'throw', 'exit', 'class', 'enum']);

class PowerShellReader {
  private readonly lines: LineIndex;
  private readonly vars = new Map<string, Ch[] | null>();
  private i = 0;
  private expansions = 0;

  constructor(
    private readonly file: ParsedFile,
    private readonly text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  private problem(span: Span, message: string): void {
    this.file.problems.push({ line: this.lines.positionAt(span.start).line + 1, span, message });
  }

  run(): void {
    const text = this.text;
    let words: Ch[][] = [];
    let redirects: Redirect[] = [];
    let current: Ch[] | null = null;
    const endWord = () => {
      if (current && current.length > 0) words.push(current);
      current = null;
    };
    const endStatement = () => {
      endWord();
      if (words.length > 0) this.statement(words, redirects);
      words = [];
      redirects = [];
    };
    const push = (ch: Ch) => {
      if (!current) current = [];
      current.push(ch);
    };
    while (this.i < text.length) {
      const c = text[this.i]!;
      const at = this.i;
      if (c === '<' && text[at + 1] === '#') {
        endWord();
        const close = text.indexOf('#>', at + 2);
        if (close === -1) {
          this.problem({ start: at, end: at + 2 }, 'Missing closing \'#>\' of the block comment: PowerShell does not run the script.');
          this.i = text.length;
        } else this.i = close + 2;
        continue;
      }
      if (c === '#' && !current) {
        while (this.i < text.length && text[this.i] !== '\n' && text[this.i] !== '\r') this.i++;
        continue;
      }
      if (c === '`') {
        const next = text[at + 1];
        if (next === '\n' || next === '\r') {
          // Line continuation.
          endWord();
          this.i += next === '\r' && text[at + 2] === '\n' ? 3 : 2;
          continue;
        }
        if (next !== undefined) push({ c: next, at, end: at + 2, origin: 0 });
        this.i += 2;
        continue;
      }
      if (c === '\n' || c === '\r' || c === ';' || c === '{' || c === '}' || c === '(' || c === ')' || c === '|' || (c === '&' && text[at + 1] === '&')) {
        endStatement();
        this.i += c === '&' || (c === '|' && text[at + 1] === '|') ? 2 : 1;
        continue;
      }
      if (isSpace(c) || c === ',') {
        endWord();
        this.i++;
        continue;
      }
      if (c === '&' && !current) {
        // The call operator: the next word is the command.
        this.i++;
        continue;
      }
      if ((c === '>' || c === '<') || ((c === '2' || c === '1' || c === '*') && text[at + 1] === '>' && !current)) {
        const glued = current !== null && (current as Ch[]).length > 0;
        const gluedWord = glued ? words.length : null;
        endWord();
        let j = at;
        if (c !== '>' && c !== '<') j++;
        const op: Ch = { c: text[j]!, at: j, end: j + 1, origin: 0 };
        j++;
        if (text[j] === '>') j++;
        if (text[j] === '&' && /[12]/.test(text[j + 1] ?? '')) {
          this.i = j + 2;
          continue;
        }
        while (j < text.length && isSpace(text[j])) j++;
        this.i = j;
        const target = this.readWord();
        let nameWord = gluedWord;
        if (nameWord === null && c === '>' && target[0]?.c === '=' && target[0].at === at + 1 && words.length > 0) nameWord = words.length - 1;
        if (nameWord === null && c === '<' && target[0]?.c === '=' && target[0].at === at + 1 && words.length > 0) nameWord = words.length - 1;
        const isRequirement = nameWord !== null && packageWord.test((words[nameWord] ?? []).map((ch) => ch.c).join(''));
        if (op.c === '<' && !isRequirement) this.problem({ start: op.at, end: op.end }, "The '<' operator is reserved for future use: PowerShell does not run the script.");
        redirects.push({ operator: op.c as '<' | '>', op, nameWord, target });
        continue;
      }
      // A word: barewords, quoted strings and variables glued together.
      const word = this.readWord();
      if (word.length === 0) {
        this.i = Math.max(this.i, at + 1);
        continue;
      }
      for (const ch of word) push(ch);
    }
    endStatement();
  }

  /** Reads one argument-mode word from `this.i` (strings, variables, barewords); stops at blanks and operators. */
  private readWord(): Ch[] {
    const text = this.text;
    const out: Ch[] = [];
    while (this.i < text.length) {
      const c = text[this.i]!;
      const at = this.i;
      if (isSpace(c) || c === '\n' || c === '\r' || c === ';' || c === '|' || c === ',' || c === '{' || c === '}' || c === '(' || c === ')' || c === '<' || c === '>' || c === '&') break;
      if (c === '#' && out.length === 0) break;
      if (c === '@' && (text[at + 1] === '"' || text[at + 1] === "'") && (text[at + 2] === '\n' || text[at + 2] === '\r')) {
        // A here-string: its value is not read.
        const close = text.indexOf(`\n${text[at + 1]}@`, at + 2);
        const end = close === -1 ? text.length : close + 3;
        if (close === -1) this.problem({ start: at, end: at + 2 }, `The here-string is missing its terminator: ${text[at + 1]}@ — PowerShell does not run the script.`);
        out.push({ c: '\u0000', at, end, origin: 0, unknown: true });
        this.i = end;
        continue;
      }
      if (c === "'") {
        this.i++;
        out.push({ c: "'", at, end: at + 1, origin: 0, quote: true } );
        let closed = false;
        while (this.i < text.length) {
          const d = text[this.i]!;
          if (d === "'" && text[this.i + 1] === "'") {
            out.push({ c: "'", at: this.i, end: this.i + 2, origin: 0 });
            this.i += 2;
            continue;
          }
          if (d === "'") {
            out.push({ c: "'", at: this.i, end: this.i + 1, origin: 0, quote: true } );
            this.i++;
            closed = true;
            break;
          }
          out.push({ c: d, at: this.i, end: this.i + 1, origin: 0 });
          this.i++;
        }
        if (!closed) this.problem({ start: at, end: at + 1 }, "The string is missing the terminator: '. PowerShell does not run the script.");
        continue;
      }
      if (c === '"') {
        this.i++;
        out.push({ c: '"', at, end: at + 1, origin: 0, quote: true } );
        let closed = false;
        while (this.i < text.length) {
          const d = text[this.i]!;
          if (d === '`' && this.i + 1 < text.length) {
            const e = text[this.i + 1]!;
            const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\u0000' };
            out.push({ c: escapes[e] ?? e, at: this.i, end: this.i + 2, origin: 0 });
            this.i += 2;
            continue;
          }
          if (d === '"' && text[this.i + 1] === '"') {
            out.push({ c: '"', at: this.i, end: this.i + 2, origin: 0 });
            this.i += 2;
            continue;
          }
          if (d === '"') {
            out.push({ c: '"', at: this.i, end: this.i + 1, origin: 0, quote: true } );
            this.i++;
            closed = true;
            break;
          }
          if (d === '$' && this.variable(out)) continue;
          out.push({ c: d, at: this.i, end: this.i + 1, origin: 0 });
          this.i++;
        }
        if (!closed) this.problem({ start: at, end: at + 1 }, 'The string is missing the terminator: ". PowerShell does not run the script.');
        continue;
      }
      if (c === '$' && this.variable(out)) continue;
      if (c === '`' && this.i + 1 < text.length && text[this.i + 1] !== '\n' && text[this.i + 1] !== '\r') {
        out.push({ c: text[this.i + 1]!, at, end: at + 2, origin: 0 });
        this.i += 2;
        continue;
      }
      if (c === '`') break;
      out.push({ c, at, end: at + 1, origin: 0 });
      this.i++;
    }
    return out;
  }

  /** `$name`, `${name}`, `$env:NAME`, `$(…)` at `this.i`: appends its characters (or an unknown one); false when `$` is literal. */
  private variable(out: Ch[]): boolean {
    const text = this.text;
    const at = this.i;
    if (text[at + 1] === '(') {
      // A subexpression: skip it, balanced, as one unknown character.
      let depth = 0;
      let j = at + 1;
      for (; j < text.length; j++) {
        if (text[j] === '(') depth++;
        else if (text[j] === ')' && --depth === 0) break;
      }
      out.push({ c: '\u0000', at, end: Math.min(text.length, j + 1), origin: 0, unknown: true });
      this.i = Math.min(text.length, j + 1);
      return true;
    }
    const m = /^\$(?:\{([^}]+)\}|((?:env:|script:|global:|local:)?[A-Za-z_][A-Za-z0-9_]*))/i.exec(text.slice(at, at + 256));
    if (!m) return false;
    const name = (m[1] ?? m[2]!).toLowerCase().replace(/^(?:script|global|local):/, '');
    const use = { start: at, end: at + m[0].length };
    const value = this.vars.get(name);
    if (!value || this.expansions > 100_000) out.push({ c: '\u0000', at: use.start, end: use.end, origin: 0, unknown: true });
    else {
      const origin = ++this.expansions;
      for (const v of value) out.push({ ...v, origin, use });
    }
    this.i = use.end;
    return true;
  }

  private statement(words: Ch[][], redirects: Redirect[]): void {
    const head = words[0]!.map((ch) => ch.c).join('');
    // `$name = value`, `$env:NAME = value`: a literal value is remembered.
    const first = words[0]![0]!;
    const last = words[0]![words[0]!.length - 1]!;
    const written = this.text.slice(first.use?.start ?? first.at, last.use?.end ?? last.end);
    const assigned = /^\$(?:\{([^}]+)\}|((?:env:|script:|global:|local:)?[A-Za-z_][A-Za-z0-9_]*))$/i.exec(written);
    if (assigned && words[1]?.length === 1 && words[1][0]!.c === '=') {
      const name = (assigned[1] ?? assigned[2]!).toLowerCase().replace(/^(?:script|global|local):/, '');
      const value = words[2];
      const literal = words.length === 3 && value && !value.some((ch) => ch.unknown);
      this.vars.set(name, literal ? value.filter((ch) => !ch.quote).map((ch) => ({ c: ch.c, at: ch.at, end: ch.end, origin: 0 })) : null);
      return;
    }
    if (statementKeywords.has(head.toLowerCase())) return;
    const commandWords = words.map((w) => toWord(this.text, w, (ch) => ch.quote === true));
    readCommand(this.file, this.text, this.lines, { words, redirects }, commandWords, 'powershell');
  }
}
