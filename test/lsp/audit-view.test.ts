// The audit report's webview page (client/src/audit-view.ts) from a report the server built:
// strict CSP, nothing loaded, workspace text escaped, links that resolve through the tables.
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings } from '../../server/src/engine';
import { auditFolder, buildReport } from '../../server/src/lsp/audit';
import { escapeHtml, parseAuditMessage, renderAuditHtml } from '../../client/src/audit-view';
import { grammars, kb } from '../support/analyze';

const files: Record<string, string> = {
  'requirements.txt': '-r base.txt\n--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.2+cu121\ntorchvision==0.16.2+cu118\n',
  'base.txt': 'onnxruntime==1.17.0\nonnxruntime-gpu==1.17.0 ; sys_platform == "linux"\n',
  'app.py': 'import numpy as np\nx = np.float_(1)\n',
  'requirements-np.txt': 'numpy==2.0.0\n',
};

function report(input: Record<string, string> = files) {
  const result = analyze({ files: Object.entries(input).map(([path, text]) => ({ path, text })), settings: defaultSettings(), kb, grammars });
  return buildReport([auditFolder('file:///work/project', '/work/project', result)]);
}

const render = (input?: Record<string, string>, notice?: string) => renderAuditHtml(report(input), { nonce: 'n0nce', notice });

describe('audit report page', () => {
  it('allows nothing but its own nonce-tagged style and script, and loads nothing', () => {
    const { html } = render();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-n0nce'");
    expect(csp).toContain("style-src 'nonce-n0nce'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script nonce="n0nce">']);
    expect(html.match(/<style\b[^>]*>/g)).toEqual(['<style nonce="n0nce">']);
    expect(html).not.toMatch(/\b(?:src|href)="(?!#")/); // no src at all, every href is "#"
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
  });

  it('shows a table per environment: the resolved stack with file:line, and the findings', () => {
    const view = render();
    const sections = view.html.split('<section class="environment">').slice(1);
    expect(sections.map((s) => /<h2>([^\n]*?)<\/h2>/.exec(s)?.[1]?.replace(/<[^>]+>/g, ''))).toEqual([
      'Environment requirements.txt 2 problems',
      'Environment requirements-np.txt no problems',
      'Other files 1 problem',
    ]);
    const main = sections[0]!;
    expect(main).toContain('Files: <code>requirements.txt</code>, <code>base.txt</code>');
    expect(main).toContain('Index options: <code>--extra-index-url https://download.pytorch.org/whl/cu121</code>');
    expect(main).toMatch(/<td class="package">torchvision<\/td><td><code>==0\.16\.2\+cu118<\/code><\/td><td><\/td><td class="where"><a href="#" class="loc" data-loc="\d+"[^>]*>requirements\.txt:4<\/a>/);
    expect(main).toMatch(/<span class="level error">error<\/span><\/td><td class="rule"><a href="#" class="rule" data-docs="\d+"[^>]*>index-variant-mismatch<\/a>/);
    expect(main).toContain('<code>onnxruntime-gpu</code>'); // backticked names in messages as code
    // Every location link resolves to the place it names.
    for (const match of view.html.matchAll(/data-loc="(\d+)"[^>]*>([^<:]+):(\d+)<\/a>/g)) {
      const location = view.locations[Number(match[1])]!;
      expect([location.folder, location.file, location.line]).toEqual(['file:///work/project', match[2], Number(match[3])]);
    }
    expect(view.docs.every((url) => url.startsWith('https://'))).toBe(true);
  });

  it('offers "Fix all safe problems" with the count, disabled when there is none', () => {
    const view = render();
    expect(view.safeFixes).toBe(1); // np.float_ (the torchvision local tag and onnxruntime are pin changes)
    expect(view.html).toMatch(/<button type="button" id="fix-all" data-action="fixAll" title="[^"]+">Fix all safe problems \(1\)<\/button>/);
    const clean = render({ 'requirements.txt': 'torch==2.1.2\n' });
    expect(clean.safeFixes).toBe(0);
    expect(clean.html).toMatch(/<button type="button" id="fix-all" data-action="fixAll" title="[^"]+" disabled>Fix all safe problems<\/button>/);
    expect(clean.html).toContain('<p class="summary">No problems found.</p>');
  });

  it('escapes everything that comes from the workspace', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const view = render({ [`requirements-${hostile}.txt`]: `torch==2.1.2 ; python_version >= "3.9" and platform_machine != '<b>'\ntorchvision==0.1"7.0<script>\n` }, `Fixed <b>"it"</b>`);
    expect(view.html).not.toContain('<img');
    expect(view.html).not.toContain('<b>');
    expect(view.html.match(/<script\b/g)).toHaveLength(1);
    expect(view.html).toContain('requirements-&lt;img src=x onerror=alert(1)&gt;.txt');
    expect(view.html).toContain('<p class="notice" role="status">Fixed &lt;b&gt;&quot;it&quot;&lt;/b&gt;</p>');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('accepts from the page only messages that name an entry of its tables', () => {
    const view = render();
    expect(parseAuditMessage({ type: 'open', id: 0 }, view)).toEqual({ type: 'open', id: 0 });
    expect(parseAuditMessage({ type: 'docs', id: view.docs.length - 1 }, view)).toEqual({ type: 'docs', id: view.docs.length - 1 });
    expect(parseAuditMessage({ type: 'fixAll' }, view)).toEqual({ type: 'fixAll' });
    expect(parseAuditMessage({ type: 'rerun', extra: 1 }, view)).toEqual({ type: 'rerun' });
    for (const bad of [null, 'open', { type: 'open', id: view.locations.length }, { type: 'open', id: -1 }, { type: 'open', id: 1.5 }, { type: 'open', id: '0' }, { type: 'docs', id: 99 }, { type: 'run', id: 0 }]) {
      expect(parseAuditMessage(bad, view)).toBeNull();
    }
  });

  it('says so when no workspace folder is open', () => {
    const { html, locations } = renderAuditHtml(buildReport([]), { nonce: 'x' });
    expect(html).toContain('No workspace folder is open.');
    expect(locations).toEqual([]);
  });
});
