// A requirements-file line written inside another format (a conda environment's `pip:` entry, a
// cog.yaml `python_packages` entry): read by the requirements parser itself, so options (`-r`,
// `--index-url`) and pins mean what pip makes of them, with every span mapped back to the file.
import type { LineIndex } from '../line-index';
import type { Include, ParseProblem, PipOption, Requirement, RequirementOrigin, Span } from '../model';
import { mapSpan, type MappedText } from './pyproject';
import { parseRequirementsFile } from './requirements';

export interface EmbeddedLines {
  requirements: Requirement[];
  options: PipOption[];
  includes: Include[];
  problems: ParseProblem[];
}

/** Parses `mapped.text` as requirements-file lines of `path`, spans on the file's text. */
export function parseEmbeddedRequirements(path: string, lines: LineIndex, mapped: MappedText, origin: RequirementOrigin): EmbeddedLines {
  const parsed = parseRequirementsFile(path, mapped.text);
  const map = (span: Span): Span => mapSpan(mapped, span);
  const mapOrNull = (span: Span | null): Span | null => (span ? map(span) : null);
  const lineOf = (span: Span) => lines.positionAt(span.start).line + 1;
  const requirements = parsed.requirements.map((r): Requirement => {
    const span = map(r.span);
    return {
      ...r,
      line: lineOf(span),
      span,
      nameSpan: mapOrNull(r.nameSpan),
      specifierSpan: mapOrNull(r.specifierSpan),
      clauses: r.clauses.map((c) => ({ ...c, span: map(c.span), versionSpan: map(c.versionSpan) })),
      markerSpan: mapOrNull(r.markerSpan),
      urlSpan: mapOrNull(r.urlSpan),
      origin,
    };
  });
  const options = parsed.options.map((o): PipOption => {
    const span = map(o.span);
    return { ...o, line: lineOf(span), span, valueSpan: mapOrNull(o.valueSpan) };
  });
  const includes = parsed.includes.map((i): Include => {
    const span = map(i.span);
    return { ...i, line: lineOf(span), span, targetSpan: map(i.targetSpan), origin };
  });
  const problems = parsed.problems.map((p): ParseProblem => {
    const span = map(p.span);
    return { ...p, line: lineOf(span), span };
  });
  return { requirements, options, includes, problems };
}
