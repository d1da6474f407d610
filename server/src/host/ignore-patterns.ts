// gitignore-style patterns from a repository (.gitignore, [tool.pinwise] include/exclude) are
// untrusted text: the `ignore` package turns each into a regular expression, and a very long one
// is rejected by the engine ("Regular expression too large") only when first tested. Each pattern
// is compiled and tried on its own here, so one bad line is skipped (and reported) instead of
// ending the walk.
import ignore, { type Ignore } from 'ignore';

/** Longer than any path git compares a pattern with (PATH_MAX): such a pattern is skipped. */
export const maxPatternLength = 4096;

export interface CompiledPatterns {
  matcher: Ignore;
  /** One line per skipped pattern: where it is and why, quoting none of it. */
  skipped: string[];
}

/** Compiles `lines` (a .gitignore's text split in lines, or a settings list); `where` names their source. */
export function compilePatterns(lines: readonly string[], where: string): CompiledPatterns {
  const kept: string[] = [];
  const skipped: string[] = [];
  lines.forEach((line, index) => {
    const at = `${where}:${index + 1}`;
    if (line.length > maxPatternLength) {
      skipped.push(`${at}: a pattern of ${line.length} characters (over ${maxPatternLength}) is skipped; files it would ignore are checked`);
      return;
    }
    try {
      ignore().add(line).ignores('pinwise-probe');
      kept.push(line);
    } catch (error) {
      const reason = error instanceof Error ? error.message.slice(error.message.lastIndexOf(':') + 1).trim() : 'it cannot be compiled';
      skipped.push(`${at}: a pattern that cannot be compiled (${reason}) is skipped; files it would ignore are checked`);
    }
  });
  return { matcher: ignore().add(kept), skipped };
}

/** Whether `matcher` ignores `path`; a pattern that fails anyway counts as not matching. */
export function safelyIgnores(matcher: Ignore, path: string): boolean {
  try {
    return matcher.ignores(path);
  } catch {
    return false;
  }
}
