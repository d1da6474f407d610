// The only code in Pinwise that goes online: the knowledge-base refresh, run by maintainers
// (`npm run kb:refresh`), never bundled into the CLI, the language server or the extension.
// Everything else in scripts/kb-refresh/ reads what a Fetcher returns, so the tests hand it saved pages.

export interface Fetched {
  /** HTTP status; 404 says the page does not exist (a variant index PyTorch never served). */
  status: number;
  /** The Content-Type header, without parameters (`application/vnd.pypi.simple.v1+json`, `text/html`). */
  contentType: string;
  body: string;
}

export type Fetcher = (url: string, accept: string) => Promise<Fetched>;

/** PEP 691: ask for the JSON form of a simple page, accepting the PEP 503 HTML form. */
export const simpleAccept = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

/** A Fetcher over the network (Node's fetch), one request at a time, with a timeout per request. */
export function networkFetcher(options: { timeoutMs?: number; userAgent?: string } = {}): Fetcher {
  return async (url, accept) => {
    const response = await fetch(url, {
      headers: { accept, 'user-agent': options.userAgent ?? 'pinwise-kb-refresh (+https://github.com/pinwise-dev/pinwise)' },
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    return { status: response.status, contentType, body: response.status === 200 ? await response.text() : '' };
  };
}
