// Notebooks written the way Jupyter and Colab write them: nbformat 4, `indent=1`, keys sorted,
// non-ASCII as is, each source line its own string.

export interface CellSpec {
  type?: 'code' | 'markdown' | 'raw';
  /** The cell's text; written as a list of lines (Jupyter's way) unless `oneString`. */
  source: string;
  oneString?: boolean;
  outputs?: unknown[];
}

/** Splits a cell's text into lines that keep their `\n`, as nbformat stores them. */
export function sourceLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function notebookText(cells: CellSpec[], options: { nbformat?: number; metadata?: unknown } = {}): string {
  const json = {
    cells: cells.map((cell, index) => {
      const type = cell.type ?? 'code';
      const base: Record<string, unknown> = { cell_type: type, id: `cell-${index}`, metadata: {}, source: cell.oneString ? cell.source : sourceLines(cell.source) };
      if (type === 'code') Object.assign(base, { execution_count: null, outputs: cell.outputs ?? [] });
      return base;
    }),
    metadata: options.metadata ?? {
      accelerator: 'GPU',
      colab: { gpuType: 'T4', provenance: [] },
      kernelspec: { display_name: 'Python 3', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: options.nbformat ?? 4,
    nbformat_minor: 0,
  };
  return sortedJson(json) + '\n';
}

function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort(value), null, 1);
}

/** A PNG display output of `bytes` base64 characters, the bulk of a real notebook's size. */
export function imageOutput(bytes: number): unknown {
  return { data: { 'image/png': 'iVBORw0KGgoAAAANSUhEUgAA' + 'A'.repeat(bytes), 'text/plain': ['<Figure size 640x480 with 1 Axes>'] }, metadata: {}, output_type: 'display_data' };
}
