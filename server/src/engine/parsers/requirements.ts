// pip's requirements-file format with exact spans. (Contract stub: the implementation lands with the parser work.)
import type { ParsedFile } from '../model';

/** Parses a requirements file; never throws, whatever the input. Includes are recorded, not followed. */
export function parseRequirementsFile(path: string, text: string): ParsedFile {
  void text;
  return { path, kind: 'requirements', requirements: [], options: [], includes: [], problems: [] };
}
