// Shell install scripts and Dockerfile RUN lines: the pip runs they make, in order, with spans on
// the words as written. Parsed with tree-sitter-bash, so echo/printf text, comments and heredoc
// bodies are never mistaken for commands. Never throws.
import type { Node } from '@vscode/tree-sitter-wasm';
import { parseBounded, parseStopReason, type Grammars } from '../grammars';
import { LineIndex } from '../line-index';
import { blankRequirement, type InstallCommand, type ParsedFile, type PipOption, type PipOptionName, type Requirement, type Span, type UnquotedSpecifier } from '../model';
import { normalizeName } from './pep508';
import { identityText, mapSpan, parseMappedRequirement, type MappedText } from './pyproject';
import { pushAll } from '../arrays';


const maxScriptLength = 2_000_000;
const maxFunctionDepth = 16;

export function parseShellScript(path: string, text: string, grammars?: Grammars): ParsedFile {
  return parseCommands(path, text, grammars, 'shell');
}

/** A Dockerfile's RUN lines, read as the shell commands they are (everything else is masked; parsers/dockerfile.ts reads the rest). */
export function parseDockerfileRunLines(path: string, text: string, grammars?: Grammars): ParsedFile {
  return parseCommands(path, text, grammars, 'dockerfile');
}

/**
 * Shell commands embedded in another format (cog.yaml's `build.run`): `masked` is the file's text
 * with everything but the commands blanked (same length, so offsets and lines are the file's).
 */
export function parseEmbeddedShell(path: string, text: string, masked: string, grammars?: Grammars): ParsedFile {
  return parseCommands(path, text, grammars, 'shell', masked);
}

function parseCommands(path: string, text: string, grammars: Grammars | undefined, kind: 'shell' | 'dockerfile', masked?: string): ParsedFile {
  const file: ParsedFile = { path, kind, requirements: [], options: [], includes: [], problems: [], commands: [] };
  const isDockerfile = kind === 'dockerfile';
  if (!grammars) return file;
  if (text.length > maxScriptLength) {
    notChecked(file, `it is ${Math.round(text.length / 1000)} KB, over the ${maxScriptLength / 1_000_000} MB a script may have to be read`);
    return file;
  }
  const source = masked ?? (isDockerfile ? maskDockerfile(text) : text);
  let parser: InstanceType<Grammars['Parser']> | undefined;
  let tree: ReturnType<InstanceType<Grammars['Parser']>['parse']> = null;
  try {
    parser = new grammars.Parser();
    parser.setLanguage(grammars.bash);
    tree = parseBounded(parser, source, (reason) => notChecked(file, `its ${isDockerfile ? 'RUN lines' : 'commands'} were not read: ${parseStopReason(reason)}`));
    if (tree) new ScriptWalker(file, text, new LineIndex(text), grammars).run(tree.rootNode);
  } catch (error) {
    // A grammar failure (or nesting too deep to walk) leaves the file unread, and says so.
    const why = error instanceof RangeError ? 'its nesting is too deep to follow' : 'the shell parser failed on it';
    file.commands = [];
    file.requirements = [];
    file.options = [];
    file.includes = [];
    notChecked(file, `its commands were not read: ${why}`);
  } finally {
    tree?.delete();
    parser?.delete();
  }
  return file;
}

/** A note on the whole file: part of it was not checked, and why (never a silent "no problems"). */
function notChecked(file: ParsedFile, why: string): void {
  file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: `Not fully checked: ${why}.`, level: 'note' });
}

// ---------------------------------------------------------------------------------------------
// Dockerfile: keep RUN bodies (and ARG/ENV assignments) at their offsets, blank the rest.

function maskDockerfile(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  const lineRe = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
  let mode: 'none' | 'run' | 'masked' = 'none';
  for (let m = lineRe.exec(text); m && m[0] !== ''; m = lineRe.exec(text)) {
    const start = m.index;
    const content = m[0].replace(/[\r\n]+$/, '');
    const end = start + content.length;
    const continues = /\\\s*$/.test(content);
    if (mode === 'run') {
      if (/^\s*#/.test(content)) {
        // Docker drops comment lines inside a continued instruction; keep bash's continuation going.
        blank(start, end);
        if (end > start) out[end - 1] = '\\';
        continue;
      }
      mode = continues ? 'run' : 'none';
      continue;
    }
    if (mode === 'masked') {
      blank(start, end);
      if (!continues) mode = 'none';
      continue;
    }
    const instruction = /^(\s*)([A-Za-z]+)\b/.exec(content);
    const keyword = instruction?.[2]?.toUpperCase();
    if (keyword === 'RUN') {
      let bodyAt = instruction![0].length;
      const flags = /^(?:\s+--[a-z-]+=\S*)*/.exec(content.slice(bodyAt));
      bodyAt += flags?.[0].length ?? 0;
      const body = content.slice(bodyAt).trimStart();
      if (body.startsWith('[') || body.startsWith('<<')) {
        blank(start, end);
        mode = continues ? 'masked' : 'none';
        continue;
      }
      blank(start, start + bodyAt);
      mode = continues ? 'run' : 'none';
    } else if ((keyword === 'ARG' || keyword === 'ENV') && /^\s*[A-Za-z_]\w*=/.test(content.slice(instruction![0].length))) {
      blank(start, start + instruction![0].length);
      mode = continues ? 'run' : 'none';
    } else {
      blank(start, end);
      mode = continues ? 'masked' : 'none';
    }
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// pip's command line.

const longValueOptions = new Set([
  '--requirement', '--constraint', '--index-url', '--extra-index-url', '--find-links', '--editable', '--target',
  '--prefix', '--root', '--src', '--upgrade-strategy', '--platform', '--python-version', '--implementation', '--abi',
  '--only-binary', '--no-binary', '--progress-bar', '--trusted-host', '--config-settings', '--global-option',
  '--report', '--log', '--cache-dir', '--timeout', '--retries', '--proxy', '--cert', '--client-cert',
  '--exists-action', '--root-user-action', '--python', '--group', '--extra', '--torch-backend', '--index-strategy',
  '--keyring-provider', '--resolution', '--prerelease', '--exclude-newer', '--override', '--build-constraint',
  '--index', '--default-index', '--link-mode', '--reinstall-package', '--upgrade-package', '--no-build-isolation-package',
  '--install-option', '--build-option', '--log-file', '--config-setting', '--refresh-package',
]);
const shortValueOptions = new Set(['r', 'c', 'i', 'f', 'e', 't', 'C', 'p', 'P']);
const shortToLong: Record<string, string> = {
  r: '--requirement', c: '--constraint', i: '--index-url', f: '--find-links', e: '--editable', U: '--upgrade',
};
/** Options recorded in the model, by their long form. */
const recordedOptions: Record<string, PipOptionName> = {
  '--index-url': '--index-url',
  '--default-index': '--index-url',
  '--extra-index-url': '--extra-index-url',
  '--index': '--extra-index-url',
  '--find-links': '--find-links',
  '--no-index': '--no-index',
  '--pre': '--pre',
  '--prefer-binary': '--prefer-binary',
  '--only-binary': '--only-binary',
  '--no-binary': '--no-binary',
  '--trusted-host': '--trusted-host',
  '--require-hashes': '--require-hashes',
};
/** pip's general options that take a value (before the subcommand). */
const generalValueOptions = new Set(['--log', '--proxy', '--retries', '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--python', '--directory', '--project', '--config-file']);

/**
 * One word of a command line, from any shell's tokenizer (bash here; cmd.exe and PowerShell in
 * parsers/windows-scripts.ts): what pip receives and where it is written.
 */
export interface CommandWord {
  /** The word after quote removal and variable expansion; null when it cannot be known statically. */
  value: MappedText | null;
  /** Where it is written. */
  span: Span;
  /** The word as written (quotes included). */
  raw: string;
}

interface Word extends CommandWord {
  node: Node;
}

const pathLike = /^(?:\.{1,2}(?:[/[]|$)|\/|~)|:\/\/|\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tar)$/i;

class ScriptWalker {
  private readonly vars = new Map<string, string>();
  private readonly functions = new Map<string, Node>();
  private readonly inlined = new Set<string>();
  private inlineBudget: number;
  private inlineBudgetNoted = false;

  constructor(
    private readonly file: ParsedFile,
    private text: string,
    private readonly lines: LineIndex,
    private readonly grammars: Grammars,
  ) {
    this.inlineBudget = text.length * 8 + 1_000_000;
  }

  run(root: Node): void {
    this.collectFunctions(root);
    this.visit(root, true, 0);
    // Functions the script never calls: still scanned, their commands marked unreachable.
    for (const [name, body] of this.functions) {
      if (this.inlined.has(name)) continue;
      this.inlined.add(name);
      this.visit(body, false, 1);
    }
  }

  private collectFunctions(node: Node): void {
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'function_definition') {
        const name = c.childForFieldName('name')?.text;
        const body = c.childForFieldName('body');
        if (name && body && !this.functions.has(name)) this.functions.set(name, body);
      }
      this.collectFunctions(c);
    }
  }

  private visit(node: Node, reachable: boolean, depth: number): void {
    switch (node.type) {
      case 'comment':
      case 'heredoc_body':
      case 'heredoc_redirect':
      case 'function_definition':
      case 'command_substitution':
      case 'process_substitution':
        return;
      case 'variable_assignment':
        this.assign(node);
        return;
      case 'command':
        this.command(node, reachable, depth);
        return;
      case 'redirected_statement': {
        // `bash <<'EOF' … EOF`, `sudo sh -s <<EOF`: the heredoc is the shell's script. (Other heredocs are text.)
        const body = node.childForFieldName('body');
        const heredoc = node.namedChildren.find((c) => c?.type === 'heredoc_redirect');
        const content = heredoc?.namedChildren.find((c) => c?.type === 'heredoc_body');
        if (body?.type === 'command' && content && depth < maxFunctionDepth && readsScriptFromStdin(this.commandWords(body))) {
          this.inlineScript({ start: content.startIndex, end: content.endIndex }, reachable, depth + 1);
          return;
        }
        if (body?.type === 'command') {
          this.command(body, reachable, depth, node.namedChildren.filter((c): c is Node => c?.type === 'file_redirect'));
          return;
        }
        for (const c of node.namedChildren) if (c) this.visit(c, reachable, depth);
        return;
      }
      default:
        for (const c of node.namedChildren) if (c) this.visit(c, reachable, depth);
    }
  }

  private assign(node: Node): void {
    const name = node.childForFieldName('name')?.text;
    if (!name) return;
    const valueNode = node.childForFieldName('value');
    const value = valueNode ? this.expand(valueNode) : identityText('', node.endIndex);
    if (value) this.vars.set(name, value.text);
    else this.vars.delete(name);
  }

  // --- words

  private word(node: Node): Word {
    return { node, value: this.expand(node), span: { start: node.startIndex, end: node.endIndex }, raw: node.text };
  }

  /** Quote removal and expansion of literal variables, keeping each character's written place. */
  private expand(node: Node): MappedText | null {
    const start = node.startIndex;
    const end = node.endIndex;
    const raw = this.text.slice(start, end);
    switch (node.type) {
      case 'word':
      case 'number':
        return this.unescape(raw, start, /\\(.)/gs);
      case 'raw_string':
        return identityText(raw.slice(1, -1), start + 1);
      case 'string': {
        const parts: MappedText[] = [];
        let at = start + 1;
        for (const c of node.namedChildren) {
          if (!c) continue;
          if (c.startIndex > at) parts.push(this.unescape(this.text.slice(at, c.startIndex), at, /\\([$`"\\\n])/g));
          if (c.type === 'string_content') parts.push(this.unescape(c.text, c.startIndex, /\\([$`"\\\n])/g));
          else {
            const expanded = this.expand(c);
            if (!expanded) return null;
            parts.push(expanded);
          }
          at = c.endIndex;
        }
        if (end - 1 > at) parts.push(this.unescape(this.text.slice(at, end - 1), at, /\\([$`"\\\n])/g));
        return concat(parts, { start: start + 1, end: Math.max(start + 1, end - 1) });
      }
      case 'concatenation': {
        const parts: MappedText[] = [];
        for (const c of node.children) {
          if (!c) continue;
          const expanded = this.expand(c);
          if (!expanded) return null;
          parts.push(expanded);
        }
        return concat(parts, { start, end });
      }
      case 'simple_expansion':
      case 'expansion': {
        const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^$`}]*))?\}?$/.exec(raw);
        if (!m || (node.type === 'simple_expansion' && raw.includes('{'))) return null;
        const known = this.vars.get(m[1]!);
        const value = known !== undefined && !(m[2]?.startsWith(':') && known === '') ? known : m[2] !== undefined ? m[3]! : undefined;
        if (value === undefined) return null;
        return { text: value, starts: new Array(value.length).fill(start), ends: new Array(value.length).fill(end), whole: { start, end } };
      }
      default:
        return null;
    }
  }

  private unescape(raw: string, offset: number, escape: RegExp): MappedText {
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    let last = 0;
    const push = (chunk: string, at: number) => {
      for (let i = 0; i < chunk.length; i++) {
        text += chunk[i]!;
        starts.push(at + i);
        ends.push(at + i + 1);
      }
    };
    for (const m of raw.matchAll(escape)) {
      push(raw.slice(last, m.index), offset + last);
      if (m[1] !== '\n') {
        text += m[1]!;
        starts.push(offset + m.index);
        ends.push(offset + m.index + 2);
      }
      last = m.index + m[0].length;
    }
    push(raw.slice(last), offset + last);
    return { text, starts, ends, whole: { start: offset, end: offset + raw.length } };
  }

  // --- commands

  private commandWords(node: Node): Word[] {
    const words: Word[] = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'command_name') {
        const inner = c.namedChildren[0];
        if (inner) words.push(this.word(inner));
      } else if (c.type === 'variable_assignment' || c.type.endsWith('redirect')) {
        continue;
      } else {
        words.push(this.word(c));
      }
    }
    return words;
  }

  private command(node: Node, reachable: boolean, depth: number, redirects: readonly Node[] = []): void {
    const words = this.commandWords(node);
    // `cmd a >f b c` runs `cmd a b c`: words after a redirection's target are the command's arguments
    // (tree-sitter files them under the redirection).
    for (const redirect of redirects) {
      const destinations = redirect.namedChildren.filter((c): c is Node => !!c && c.type !== 'file_descriptor');
      for (const extra of destinations.slice(1)) words.push(this.word(extra));
    }
    if (words.length === 0) return;
    const name = words[0]!.value?.text ?? words[0]!.node.text;
    const fn = this.functions.get(name);
    if (fn && !this.inlined.has(name) && depth < maxFunctionDepth) {
      this.inlined.add(name);
      this.visit(fn, reachable, depth + 1);
      return;
    }
    const script = shellScriptArgument(words);
    if (script) {
      if (depth < maxFunctionDepth) this.inlineScript(script, reachable, depth + 1);
      return;
    }
    const pip = findPip(words);
    if (!pip) return;
    const command = addPipCommand(this.file, this.lines, { start: node.startIndex, end: node.endIndex }, pip.tool, words.slice(pip.next), reachable);
    if (command?.action === 'install') command.unquotedSpecifiers = this.unquotedSpecifiers(redirects);
  }

  /** `numpy>=1.24`, `numpy<2`, `torch >=2.1` left unquoted: the comparison is a redirection. */
  private unquotedSpecifiers(redirects: readonly Node[]): UnquotedSpecifier[] {
    const found: UnquotedSpecifier[] = [];
    let coveredUntil = -1;
    for (const redirect of redirects) {
      const operatorNode = redirect.children[0];
      const operator = operatorNode?.type;
      if ((operator !== '<' && operator !== '>') || redirect.startIndex < coveredUntil) continue;
      const target = redirect.namedChildren.find((c) => !!c && c.type !== 'file_descriptor');
      if (!target) continue;
      const at = redirect.startIndex;
      const glued = at > 0 && !/\s/.test(this.text[at - 1]!);
      let start = at;
      if (glued) {
        while (start > 0 && !/[\s;&|()`]/.test(this.text[start - 1]!)) start--;
      } else if (this.text[target.startIndex] === '=' && target.startIndex === at + 1) {
        // `torch >=2.1`: the name is the word before.
        let before = at;
        while (before > 0 && /[ \t]/.test(this.text[before - 1]!)) before--;
        start = before;
        while (start > 0 && !/[\s;&|()`]/.test(this.text[start - 1]!)) start--;
        if (start === before) continue;
      } else {
        continue;
      }
      let end = target.endIndex;
      while (end < this.text.length && !/[\s;&|()`]/.test(this.text[end]!)) end++;
      const text = this.text.slice(start, end);
      // Only a package name before the operator makes it a requirement (`2>err`, `cmd <in` are not).
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*[<>]/.test(text)) continue;
      coveredUntil = end;
      found.push({
        span: { start, end },
        text,
        operator,
        operatorSpan: { start: operatorNode!.startIndex, end: operatorNode!.endIndex },
        target: target.text,
      });
    }
    return found;
  }

  /**
   * `bash -c 'pip install …'`: the string is a script of its own. It is parsed from a copy of the
   * file with everything but the string's content blanked, so every offset is the written one.
   */
  private inlineScript(content: Span & { escaped?: boolean }, reachable: boolean, depth: number): void {
    // Each inner parse reads a file-length copy: a budget keeps thousands of `-c` strings linear.
    if (this.inlineBudget < this.text.length) {
      if (!this.inlineBudgetNoted) notChecked(this.file, 'some of its `bash -c` strings and heredoc scripts were not read: the budget for inner scripts (8× the file) was reached');
      this.inlineBudgetNoted = true;
      return;
    }
    this.inlineBudget -= this.text.length;
    const inner = this.text.slice(content.start, content.end);
    const masked = ' '.repeat(content.start) + (content.escaped ? unescapeInPlace(inner) : inner) + ' '.repeat(this.text.length - content.end);
    const parser = new this.grammars.Parser();
    let tree: ReturnType<typeof parser.parse> = null;
    try {
      parser.setLanguage(this.grammars.bash);
      tree = parseBounded(parser, masked, (reason) => notChecked(this.file, `an inner script (\`bash -c\` or a heredoc) was not read: ${parseStopReason(reason)}`));
      // An unescaped copy is what the inner shell reads: words are taken from it (same offsets).
      const written = this.text;
      if (content.escaped) this.text = masked;
      try {
        if (tree) this.visit(tree.rootNode, reachable, depth);
      } finally {
        this.text = written;
      }
    } finally {
      tree?.delete();
      parser.delete();
    }
  }

}

/** Builds pip runs from command words into a file's model: options, `-r` / `-c`, requirements with their spans. */
class PipCommandBuilder {
  constructor(
    private readonly file: ParsedFile,
    private readonly lines: LineIndex,
  ) {}

  add(span: Span, tool: string, args: readonly CommandWord[], reachable: boolean): InstallCommand | null {
    let i = 0;
    // General options before the subcommand.
    while (i < args.length && args[i]!.value?.text.startsWith('-')) {
      const option = args[i]!.value!.text;
      i += generalValueOptions.has(option) ? 2 : 1;
    }
    const sub = args[i]?.value?.text;
    if (sub !== 'install' && sub !== 'uninstall' && sub !== 'sync') return null;
    const command: InstallCommand = {
      file: this.file.path,
      line: this.lines.positionAt(span.start).line + 1,
      span: { ...span },
      tool,
      action: sub === 'uninstall' ? 'uninstall' : 'install',
      requirements: [],
      removes: [],
      options: [],
      includes: [],
      upgrade: false,
      noDeps: false,
      forceReinstall: false,
      reachable,
      unquotedSpecifiers: [],
    };
    const origin = { section: `${tool} ${sub}` };
    let positionalOnly = false;
    for (i++; i < args.length; i++) {
      const arg = args[i]!;
      const value = arg.value;
      if (!value) continue; // not statically known: skip it
      const text = value.text;
      if (!positionalOnly && text === '--') {
        positionalOnly = true;
        continue;
      }
      if (!positionalOnly && text.startsWith('-') && text.length > 1) {
        let long: string;
        let inline: MappedText | null = null;
        if (text.startsWith('--')) {
          const eq = text.indexOf('=');
          long = eq === -1 ? text : text.slice(0, eq);
          if (eq !== -1) inline = sliceMapped(value, eq + 1, text.length);
        } else {
          const letter = text[1]!;
          long = shortToLong[letter] ?? `-${letter}`;
          if (shortValueOptions.has(letter)) {
            if (text.length > 2) inline = sliceMapped(value, 2, text.length);
          } else if (text.length > 2) {
            // Bundled flags (`-qU`): only flags matter here.
            for (const flag of text.slice(1)) this.flag(command, shortToLong[flag] ?? `-${flag}`);
            continue;
          }
        }
        const takesValue = longValueOptions.has(long) || (!long.startsWith('--') && shortValueOptions.has(long[1]!));
        if (!takesValue) {
          this.flag(command, long);
          const recorded = recordedOptions[long];
          if (recorded) command.options.push(this.option(recorded, arg.span, null));
          continue;
        }
        let valueWord: CommandWord | null = null;
        if (!inline) {
          valueWord = args[i + 1] ?? null;
          i++;
        }
        const optionValue = inline ?? valueWord?.value ?? null;
        const optionSpan = { start: arg.span.start, end: valueWord ? valueWord.span.end : arg.span.end };
        if (long === '--requirement' || long === '--constraint') {
          const target = optionValue?.text ?? valueWord?.raw.replace(/^(["'])(.*)\1$/s, '$2') ?? '';
          if (target) {
            command.includes.push({
              file: this.file.path,
              line: this.lines.positionAt(optionSpan.start).line + 1,
              span: optionSpan,
              kind: long === '--requirement' ? 'requirement' : 'constraint',
              target,
              targetSpan: optionValue ? { ...optionValue.whole } : valueWord ? { ...valueWord.span } : { ...arg.span },
              origin,
            });
          }
        } else if (long === '--editable') {
          if (optionValue && command.action === 'install') this.positional(command, optionValue, origin, true);
        } else if (recordedOptions[long] && optionValue) {
          command.options.push(this.option(recordedOptions[long]!, optionSpan, optionValue));
        }
        continue;
      }
      if (sub === 'sync') {
        command.includes.push({
          file: this.file.path,
          line: this.lines.positionAt(arg.span.start).line + 1,
          span: { ...arg.span },
          kind: 'requirement',
          target: text,
          targetSpan: { ...value.whole },
          origin,
        });
      } else if (command.action === 'uninstall') {
        const m = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(text);
        if (m) command.removes.push({ name: m[0], normalizedName: normalizeName(m[0]), span: mapSpan(value, { start: 0, end: m[0].length }) });
      } else {
        this.positional(command, value, origin, false);
      }
    }
    this.file.commands!.push(command);
    for (const option of command.options) this.file.options.push(option);
    for (const include of command.includes) this.file.includes.push(include);
    return command;
  }

  private flag(command: InstallCommand, long: string): void {
    if (long === '--upgrade' || long === '-U') command.upgrade = true;
    else if (long === '--no-deps') command.noDeps = true;
    else if (long === '--force-reinstall') command.forceReinstall = true;
  }

  private option(name: PipOptionName, span: Span, value: MappedText | null): PipOption {
    return {
      file: this.file.path,
      line: this.lines.positionAt(span.start).line + 1,
      span: { ...span },
      option: name,
      value: value ? value.text : null,
      valueSpan: value ? { ...value.whole } : null,
    };
  }

  private positional(command: InstallCommand, value: MappedText, origin: { section: string }, editable: boolean): void {
    const text = value.text;
    if (text.trim() === '') return;
    let requirement: Requirement | null;
    if (pathLike.test(text) && !/^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*@/.test(text)) {
      requirement = {
        ...blankRequirement({ file: this.file.path, line: this.lines.positionAt(value.whole.start).line + 1, span: { ...value.whole }, origin }),
        url: text,
        urlSpan: { ...value.whole },
        editable,
      };
    } else {
      requirement = parseMappedRequirement(this.file.path, this.lines, value, origin, this.file.problems);
      if (requirement && editable) requirement.editable = true;
    }
    if (!requirement) return;
    command.requirements.push(this.file.requirements.length);
    this.file.requirements.push(requirement);
  }
}

/**
 * Reads one pip run (`args`: the words after the pip executable, e.g. `install -U torch==2.1`)
 * into `file`: its requirements, options and includes are appended to the file's lists and the
 * command to `file.commands`. Every shell's tokenizer hands its words here, so pip's command line
 * is parsed in one place. Returns null when the words are not an install, uninstall or sync.
 */
export function addPipCommand(file: ParsedFile, lines: LineIndex, span: Span, tool: string, args: readonly CommandWord[], reachable: boolean): InstallCommand | null {
  return new PipCommandBuilder(file, lines).add(span, tool, args, reachable);
}

function concat(parts: MappedText[], whole: Span): MappedText {
  const out: MappedText = { text: '', starts: [], ends: [], whole };
  for (const part of parts) {
    out.text += part.text;
    pushAll(out.starts, part.starts);
    pushAll(out.ends, part.ends);
  }
  return out;
}

function sliceMapped(mapped: MappedText, from: number, to: number): MappedText {
  const span = mapSpan(mapped, { start: from, end: to });
  return { text: mapped.text.slice(from, to), starts: mapped.starts.slice(from, to), ends: mapped.ends.slice(from, to), whole: span };
}

const wrapperCommands = new Set(['sudo', 'env', 'time', 'nohup', 'exec', 'command', 'nice', 'doas']);

/** Recognises pip behind wrappers: `sudo -H pip3`, `python3 -m pip`, `uv pip`, `conda run -n x pip`. */
const shells = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);

/**
 * The content of the script string of `sh -c '…'` / `bash -lc "…"` (also after sudo, env, su, …), or null.
 * `escaped`: a double-quoted string with backslashes, which the inner shell reads unescaped.
 */
function shellScriptArgument(words: Word[]): (Span & { escaped?: boolean }) | null {
  const name = (k: number): string => {
    const text = words[k]?.value?.text ?? '';
    return text.slice(text.lastIndexOf('/') + 1);
  };
  for (let k = 0; k < Math.min(words.length, 8); k++) {
    const command = name(k);
    if (!shells.has(command) && command !== 'su') continue;
    for (let j = k + 1; j < words.length; j++) {
      const option = words[j]!.value?.text ?? '';
      if (!option.startsWith('-')) {
        if (command === 'su') continue; // `su user -c …`
        return null;
      }
      if (!/^-[a-zA-Z]*c[a-zA-Z]*$/.test(option)) continue;
      const script = words[j + 1]?.node;
      if (!script) return null;
      if (script.type === 'raw_string') return { start: script.startIndex + 1, end: script.endIndex - 1 };
      if (script.type === 'string') return { start: script.startIndex + 1, end: script.endIndex - 1, escaped: script.text.includes('\\') };
      return null;
    }
    return null;
  }
  return null;
}

/**
 * What the inner shell reads from a double-quoted string: `\"`, `\\`, `\$` and `` \` `` lose their
 * backslash. Each backslash becomes a space, so every other character keeps its written offset
 * (nested `bash -c "bash -c \"pip install …\""` is read, with spans on the text as written).
 */
function unescapeInPlace(text: string): string {
  return text.replace(/\\(["\\$`\n])/g, (_, c: string) => ` ${c}`);
}

/** A shell run with no script argument (`bash`, `sudo -E sh -s`, `env X=1 bash -e`): it reads its script from stdin. */
function readsScriptFromStdin(words: Word[]): boolean {
  const text = (k: number): string => words[k]?.value?.text ?? '';
  let k = 0;
  for (let guard = 0; guard < 8 && k < words.length; guard++) {
    const base = text(k).slice(text(k).lastIndexOf('/') + 1);
    if (shells.has(base)) {
      for (let j = k + 1; j < words.length; j++) {
        const option = text(j);
        if (!option.startsWith('-') || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(option)) return false; // a script file, or -c
      }
      return true;
    }
    if (base !== 'sudo' && base !== 'env' && base !== 'exec' && base !== 'nohup') return false;
    k++;
    while (k < words.length && (text(k).startsWith('-') || /^[A-Za-z_]\w*=/.test(text(k)))) {
      if (base === 'sudo' && /^-[ugpCDhrt]$/.test(text(k))) k++;
      k++;
    }
  }
  return false;
}

/**
 * Where pip starts in a command's words, and how it was invoked: `pip3`, `sudo -H pip`,
 * `python3 -m pip`, `venv\\Scripts\\python.exe -m pip`, `py -3.10 -m pip`, `uv pip`, `conda run -n x pip`,
 * and an interpreter only known at run time (`"$PYTHON" -m pip`, `%PYTHON% -m pip`).
 */
export function findPip(words: readonly CommandWord[]): { tool: string; next: number } | null {
  let i = 0;
  const text = (k: number): string => {
    const w = words[k];
    if (!w) return '';
    return w.value?.text ?? w.raw;
  };
  // A program's name: after its folder (`/` or Windows' `\\`), without Windows' `.exe`.
  const base = (k: number): string => {
    const path = text(k);
    return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).replace(/\.exe$/i, '');
  };
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const name = base(i);
    if (wrapperCommands.has(name)) {
      i++;
      while (i < words.length && (text(i).startsWith('-') || (name === 'env' && /^[A-Za-z_]\w*=/.test(text(i))))) {
        if (name === 'sudo' && /^-[ugpCDhrt]$/.test(text(i))) i++;
        i++;
      }
      continue;
    }
    if ((name === 'conda' || name === 'mamba' || name === 'micromamba') && text(i + 1) === 'run') {
      i += 2;
      while (i < words.length && text(i).startsWith('-')) {
        if (/^(?:-n|--name|-p|--prefix|--cwd)$/.test(text(i))) i++;
        i++;
      }
      continue;
    }
    if (/^pip(?:\d+(?:\.\d+)?)?$/i.test(name)) return { tool: text(i), next: i + 1 };
    if (name === 'uv' && text(i + 1) === 'pip') return { tool: 'uv pip', next: i + 2 };
    const unknownInterpreter = words[i]!.value === null;
    if (/^(?:python(?:\d+(?:\.\d+)?)?|py)$/i.test(name) || unknownInterpreter) {
      let k = i + 1;
      // Interpreter flags (`-u`, `-I`), and the py launcher's version (`py -3.10`).
      while (k < words.length && (/^-[a-zA-Z]+$/.test(text(k)) || (name === 'py' && /^-\d+(?:\.\d+)?(?:-\d+)?$/.test(text(k)))) && text(k) !== '-m' && text(k) !== '-c') k++;
      if (text(k) === '-m' && text(k + 1) === 'pip') return { tool: `${unknownInterpreter ? words[i]!.raw : name} -m pip`, next: k + 2 };
      return null;
    }
    return null;
  }
  return null;
}
