// The `pinwise parse FILE` JSON shape (CONTRACTS.md, "Parse output"): what the
// requirements parser understood, for conformance checks against pip and peers.
import type { ParsedFile } from './model';

export interface ParseOutputRequirement {
  line: number;
  name: string | null;
  extras: string[];
  specifier: string;
  marker: string | null;
  url: string | null;
  editable: boolean;
  hashes: string[];
}

export interface ParseOutputOption {
  line: number;
  option: string;
  value: string | null;
}

export interface ParseOutputInvalid {
  line: number;
  message: string;
}

export interface ParseOutput {
  requirements: ParseOutputRequirement[];
  options: ParseOutputOption[];
  invalid: ParseOutputInvalid[];
}

/**
 * File-level options only (`--index-url`, `-r`, `--pre`, ...); per-requirement
 * options show up on their requirement (`hashes`). Includes are listed, not followed.
 * `text` is the file's text, accepted so callers need not care whether a field is
 * derived from it; every field currently comes from the parsed model.
 */
export function toParseOutput(parsed: ParsedFile, text: string): ParseOutput {
  void text;
  return {
    requirements: parsed.requirements.map((r) => ({
      line: r.line,
      name: r.name,
      extras: [...r.extras],
      specifier: r.specifier,
      marker: r.marker === null ? null : r.marker.trim(),
      url: r.url,
      editable: r.editable,
      hashes: [...r.hashes],
    })),
    options: parsed.options.map((o) => ({ line: o.line, option: o.option, value: o.value })),
    invalid: parsed.problems.map((p) => ({ line: p.line, message: p.message })),
  };
}
