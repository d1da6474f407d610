// Reads a package's page on a simple repository: PEP 691 JSON or PEP 503 HTML.
import type { Fetched } from './http';

export interface IndexFile {
  filename: string;
  /** `data-requires-python` / `requires-python`, when the page gives it. */
  requiresPython: string | null;
  yanked: boolean;
}

const htmlEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
const unescapeHtml = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return htmlEntities[name.toLowerCase()] ?? whole;
  });

/** The files of a PEP 503 page: one anchor each, named by its text (or the last path segment of its href). */
export function parseSimpleHtml(html: string): IndexFile[] {
  const out: IndexFile[] = [];
  for (const m of html.matchAll(/<a\s([^>]*)>([^<]*)<\/a\s*>/gi)) {
    const attributes = m[1]!;
    const attribute = (name: string): string | null => {
      const a = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attributes);
      return a ? unescapeHtml(a[1] ?? a[2] ?? a[3] ?? '') : /(?:^|\s)data-yanked(?:\s|$)/i.test(attributes) && name === 'data-yanked' ? '' : null;
    };
    const href = attribute('href') ?? '';
    const text = unescapeHtml(m[2]!.trim());
    const fromHref = decodeURIComponent(href.split('#')[0]!.split('?')[0]!.split('/').pop() ?? '');
    const filename = text || fromHref;
    if (!filename) continue;
    out.push({ filename, requiresPython: attribute('data-requires-python'), yanked: attribute('data-yanked') !== null });
  }
  return out;
}

/** The files of a PEP 691 JSON page. */
export function parseSimpleJson(body: string): IndexFile[] {
  const page = JSON.parse(body) as { meta?: { 'api-version'?: string }; files?: { filename?: unknown; 'requires-python'?: unknown; yanked?: unknown }[] };
  if (!page.meta || typeof page.meta['api-version'] !== 'string' || !/^1\./.test(page.meta['api-version'])) {
    throw new Error('not a PEP 691 page (meta.api-version 1.x missing)');
  }
  return (page.files ?? [])
    .filter((f) => typeof f.filename === 'string')
    .map((f) => ({
      filename: f.filename as string,
      requiresPython: typeof f['requires-python'] === 'string' ? f['requires-python'] : null,
      yanked: f.yanked === true || typeof f.yanked === 'string',
    }));
}

/** A fetched simple page, read by its Content-Type (PEP 691 JSON, else PEP 503 HTML). */
export function parseSimplePage(page: Fetched): IndexFile[] {
  if (page.contentType === 'application/vnd.pypi.simple.v1+json' || page.contentType === 'application/json') return parseSimpleJson(page.body);
  return parseSimpleHtml(page.body);
}
