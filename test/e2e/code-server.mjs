#!/usr/bin/env node
// Real VS Code end to end: code-server (VS Code 1.100 on Node 20) with the packaged pinwise.vsix
// installed, driven headless through Debian's chromium by playwright-core, on a copy of
// examples/broken-ml-project (plus a Dockerfile). Checks, as a user sees them:
//   0. opened on its README (no dependency file open), the whole workspace is checked: the Problems
//      counter, Pinwise's status item and the audit report give the same counts;
//   1. Pinwise's findings for requirements.txt in the editor (squiggles) and the Problems panel;
//   1b. a hover on the torch pin shows its PyTorch release row;
//   2. the quick-fix menu names tool and rule ("Pinwise (torch-family-mismatch): Set torchvision to …",
//      "… Disable … for this line / file", "Pinwise: Show documentation for pinwise(…)"); the fix
//      applies, and after saving — with the generic `"source.fixAll": "explicit"` on save that Ruff and
//      ESLint users have, which must apply safe fixes only — the file on disk differs from the original
//      in exactly that pin (the other pins, whose fixes change what is installed, stay);
//   2a. "Show documentation" opens the rule page shipped in the .vsix in Markdown preview;
//   2b. an open Dockerfile has the CLI's torch-family finding, and an edit re-checks it live;
//   3. "Pinwise: Audit Workspace" from the command palette opens the report, a webview with a table
//      per environment, whose location links open the file;
//   4. the report's "Fix all safe problems" opens VS Code's refactor preview (its edits need
//      confirmation); applied there and saved, every affected file holds exactly what
//      `pinwise check --fix` writes on a copy of the project, and the report refreshes;
//   6. "Pinwise: Show Debug Information" opens the versions and the environments found.
// `--screenshots docs/screenshots` refreshes README's images (workspace, diagnostics, hover, quick fix, audit report).
// Installs what it needs when missing: chromium (apt-get, as root) and code-server (npm, into
// $PINWISE_E2E_DIR, default /tmp/pinwise-e2e, outside the repository). Run with `npm run test:e2e`
// (which builds and packages first) or `node test/e2e/code-server.mjs` after `npm run package`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  options: {
    screenshots: { type: 'string' }, // e.g. docs/screenshots to refresh README's images
    vsix: { type: 'string', default: join(repo, 'pinwise.vsix') },
    timeout: { type: 'string', default: '60000' },
    keep: { type: 'boolean', default: false },
  },
});
const T = Number(opts.timeout);
const e2eDir = process.env.PINWISE_E2E_DIR ?? '/tmp/pinwise-e2e';
const csVersion = '4.100.3'; // the newest code-server whose engines.node is 20 (VS Code 1.100.3)
const csDir = join(e2eDir, 'code-server-node20');
const csBin = join(csDir, 'node_modules', '.bin', 'code-server');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const t0 = Date.now();
const lap = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
const fail = (message) => {
  throw new Error(message);
};

// ---------------------------------------------------------------------------------------------
// What the test needs, installed when missing.

function aptInstall(packages) {
  if (process.getuid?.() !== 0) fail(`missing ${packages.join(', ')}: run as root or install them (apt-get install -y ${packages.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
}

function ensureChromium() {
  if (!existsSync(chromiumPath)) {
    lap('installing chromium (apt-get)');
    aptInstall(['chromium']);
  }
}

function ensureCodeServer() {
  if (existsSync(csBin)) return;
  lap(`installing code-server ${csVersion} into ${csDir} (about a minute)`);
  // Native modules (kerberos, node-pty, spdlog, argon2) build with node-gyp; @vscode/ripgrep's
  // postinstall would download rg from GitHub, so its cache is seeded with Debian's rg.
  const need = ['build-essential', 'pkg-config', 'python3', 'libkrb5-dev', 'ripgrep'].filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  if (need.length > 0) aptInstall(need);
  const tmp = join(csDir, 'tmp');
  const cache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(join(cache, 'x'), { recursive: true });
  copyFileSync(execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim(), join(cache, 'x', 'rg'));
  execFileSync('tar', ['czf', join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', join(cache, 'x'), 'rg']);
  if (!existsSync(join(csDir, 'package.json'))) writeFileSync(join(csDir, 'package.json'), '{"name":"code-server-host","private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `code-server@${csVersion}`], {
    cwd: csDir,
    stdio: 'inherit',
    env: { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
  });
}

/** Every file under `dir`, relative path → content. */
function snapshot(dir, prefix = '') {
  const out = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, snapshot(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

function freePort() {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitHealthy(url) {
  for (const end = Date.now() + T; Date.now() < end; ) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`code-server did not answer ${url}/healthz within ${T} ms`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(opts.vsix)) fail(`${opts.vsix} not found: run \`npm run package\` first (npm run test:e2e does)`);
  ensureChromium();
  ensureCodeServer();
  const { chromium } = await import('playwright-core');

  const work = mkdtempSync(join(tmpdir(), 'pinwise-cs-'));
  const ws = join(work, 'broken-ml-project');
  cpSync(join(repo, 'examples', 'broken-ml-project'), ws, { recursive: true });
  const requirements = join(ws, 'requirements.txt');
  const original = readFileSync(requirements, 'utf8');
  // A Dockerfile of the project: a kind the editor must check live like any other.
  const dockerfile = 'FROM python:3.11-slim\nRUN pip install torch==2.3.1 torchvision==0.17.0\n';
  writeFileSync(join(ws, 'Dockerfile'), dockerfile);
  const data = join(work, 'cs-data');
  mkdirSync(join(data, 'user', 'User'), { recursive: true });
  writeFileSync(
    join(data, 'user', 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'security.workspace.trust.enabled': false,
      'chat.disableAIFeatures': true,
      'workbench.tips.enabled': false,
      'editor.minimap.enabled': false,
      'workbench.colorTheme': 'Default Light Modern',
      'window.zoomLevel': 0,
      // What Ruff and ESLint users already have: Pinwise's fix-all runs on save, safe fixes only.
      'editor.codeActionsOnSave': { 'source.fixAll': 'explicit' },
    }),
  );
  const env = { ...process.env, XDG_CONFIG_HOME: join(data, 'config'), XDG_DATA_HOME: join(data, 'data'), XDG_CACHE_HOME: join(data, 'cache') };
  const common = ['--user-data-dir', join(data, 'user'), '--extensions-dir', join(data, 'ext')];
  // Installed before the server starts: a running code-server does not rescan its extensions.
  execFileSync(csBin, [...common, '--install-extension', opts.vsix], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  lap('pinwise.vsix installed');

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(work, 'code-server.log');
  const server = spawn(
    csBin,
    ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...common],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }, // detached: its own process group (server, extension hosts, watchers)
  );
  const serverLog = [];
  server.stdout.on('data', (d) => serverLog.push(String(d)));
  server.stderr.on('data', (d) => serverLog.push(String(d)));
  const stopServer = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('exit', stopServer);

  const profile = mkdtempSync(join(tmpdir(), 'pinwise-chromium-'));
  let ctx;
  const shots = opts.screenshots ? resolve(opts.screenshots) : null;
  if (shots) mkdirSync(shots, { recursive: true });
  try {
    await waitHealthy(url);
    lap(`code-server ${csVersion} listening on ${url}`);
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 860 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const payload = JSON.stringify([['openFile', `vscode-remote://127.0.0.1:${port}${join(ws, 'README.md')}`]]);
    await page.goto(`${url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: T });
    const editor = '.part.editor .monaco-editor';
    await page.locator('.tab[aria-label*="README.md"]').first().waitFor({ timeout: T });
    lap('workbench up, README.md open');

    const runCommand = async (title) => {
      // Ctrl+Shift+P is forwarded by webviews too (F1 is not); a key press lost while the focus moves
      // (a panel closing, a preview applied) is pressed again, after giving the editor the focus.
      // The same for the typed title: seen lost under load after the refactor preview's Apply (the
      // palette open, no row ever matching), so the palette is filled again when no row shows.
      const palette = page.locator('.quick-input-widget input');
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^.*: /, '') }).first();
      for (let attempt = 0; ; attempt++) {
        const last = attempt >= 3;
        await page.keyboard.press('Control+Shift+p');
        const shown = await palette.waitFor({ timeout: last ? T : 5000 }).then(() => true, () => false);
        // The palette can also close again at once (the focus still moving): filling it then fails.
        const filled = shown && (await palette.fill(`>${title}`, { timeout: 5000 }).then(() => true, () => false));
        if (filled && (await row.waitFor({ timeout: last ? T : 10_000 }).then(() => true, () => false))) break;
        if (last) fail(shown ? `the command palette closed or showed no "${title}"` : `the command palette did not open for "${title}"`);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1000 * (attempt + 1));
        await page.locator('.part.editor .monaco-editor .view-lines').first().click().catch(() => undefined);
      }
      await page.keyboard.press('Enter');
    };
    /** Opens a file of the workspace by Quick Open (Ctrl+P). */
    const quickOpen = async (file) => {
      await page.keyboard.press('Control+p');
      await page.locator('.quick-input-widget input').waitFor({ timeout: T });
      await page.keyboard.type(file);
      // The recently opened files come first: wait until the file itself is the focused row.
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: file }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page.locator(`.tab.active[aria-label^="${file}"]`).first().waitFor({ timeout: T });
      await page.locator(`${editor} .view-lines`).first().waitFor({ timeout: T });
    };
    const numbers = (text) => (text.match(/\d+/g) ?? []).map(Number);

    // 0. On the README, nothing of Pinwise's open: the workspace is checked in the background, and
    // the Problems counter, Pinwise's status bar item and the audit report count the same.
    // Its text once the check is done: "<errors> <warnings> [<notes>] Pinwise" (no spinner).
    const pinwiseItem = page.locator('.statusbar-item').filter({ hasText: /^\s*\d+\s+\d+(?:\s+\d+)?\s+Pinwise\s*$/ }).filter({ hasNot: page.locator('.codicon-sync') });
    await pinwiseItem.first().waitFor({ timeout: T });
    const pinwiseText = ((await pinwiseItem.first().textContent()) ?? '').trim();
    const pinwiseCounts = numbers(pinwiseText); // errors, warnings[, notes]
    const problemsText = ((await page.locator('[id="status.problems"]').first().textContent({ timeout: T })) ?? '').trim();
    const problemsCounts = numbers(problemsText); // errors, warnings, infos
    await runCommand('Pinwise: Audit Workspace');
    const report = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await report.locator('h1', { hasText: 'Pinwise audit' }).waitFor({ timeout: T });
    const summary = ((await report.locator('.summary').textContent()) ?? '').trim();
    const reportCounts = numbers(summary); // errors, warnings, notes
    lap(`on the README: Problems counter "${problemsText}", Pinwise status "${pinwiseText}", audit report "${summary}"`);
    if (reportCounts.length !== 3) fail(`the audit summary reads "${summary}"`);
    if (problemsCounts[0] !== reportCounts[0] || problemsCounts[1] !== reportCounts[1] || (problemsCounts[2] ?? 0) !== reportCounts[2]) fail('the Problems counter and the audit report disagree');
    if (pinwiseCounts[0] !== reportCounts[0] || pinwiseCounts[1] !== reportCounts[1] || (pinwiseCounts[2] ?? 0) !== reportCounts[2]) fail("Pinwise's status item and the audit report disagree");
    if (reportCounts[0] === 0) fail('the workspace check found no errors in the broken example project');
    await runCommand('View: Close All Editor Groups');
    await page.locator('.tab[aria-label*="Pinwise Audit"]').first().waitFor({ state: 'detached', timeout: T });
    await page.keyboard.press('Control+Shift+M');
    if (shots) {
      await page.waitForTimeout(600);
      await page.screenshot({ path: join(shots, 'workspace.png') });
    }

    await quickOpen('requirements.txt');
    lap('requirements.txt open');

    // 1. Diagnostics: squiggles in the editor, rows in the Problems panel.
    const squiggles = page.locator(`${editor} .squiggly-error, ${editor} .squiggly-warning`);
    await squiggles.first().waitFor({ state: 'attached', timeout: T });
    lap(`squiggles in the editor: ${await squiggles.count()}`);
    await page.keyboard.press('Control+Shift+M');
    const rows = page.locator('.markers-panel .monaco-list-row');
    // The whole workspace is listed: filter the panel to one file (a glob of its path).
    const filterProblems = async (glob) => {
      const input = page.locator('.panel .viewpane-filter input').first();
      await input.click();
      await input.fill(glob);
      await page.waitForTimeout(400);
    };
    await filterProblems('**/requirements.txt');
    const readProblems = async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || e.textContent || ''))).filter((s) => s !== '');
    const expected = [
      /torchvision==0\.17\.0\+rocm5\.7 cannot install with torch==2\.3\.1\+rocm5\.7/,
      /torchaudio 2\.3\.1 was never published as `\+rocm5\.7\.1`/,
      /`onnxruntime-gpu` and `onnxruntime` both install the import package `onnxruntime`/,
    ];
    let problems = [];
    for (const end = Date.now() + T; Date.now() < end; await page.waitForTimeout(200)) {
      problems = await readProblems();
      if (expected.every((re) => problems.some((p) => re.test(p)))) break;
    }
    lap(`Problems panel (${problems.length} rows):\n    ${problems.slice(0, 12).join('\n    ')}`);
    for (const re of expected) if (!problems.some((p) => re.test(p))) fail(`no problem matches ${re}`);
    if (shots) await page.screenshot({ path: join(shots, 'diagnostics.png') });

    // Puts the cursor at line:column of the open editor (Ctrl+G).
    const goTo = async (position) => {
      await page.locator(`${editor} .view-line`).first().click();
      await page.keyboard.press('Control+g');
      await page.keyboard.type(position);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
    };

    // 1b. Hover on the torch pin (line 7): the release row, through VS Code's own "Show Hover" (Ctrl+K Ctrl+I).
    await goTo('7:8');
    await page.keyboard.press('Control+k');
    await page.keyboard.press('Control+i');
    const hover = page.locator('.monaco-hover-content', { hasText: 'PyTorch 2.3.1' });
    await hover.first().waitFor({ timeout: T });
    const hoverText = (await hover.first().textContent()) ?? '';
    if (!/0\.18\.1/.test(hoverText) || !/rocm5\.7/.test(hoverText)) fail(`the hover on torch==2.3.1+rocm5.7 lacks the release row: ${hoverText.slice(0, 300)}`);
    lap('hover on the torch pin shows the PyTorch 2.3.1 release row (torchvision 0.18.1, +rocm5.7)');
    if (shots) {
      await page.waitForTimeout(800); // the hover fades in
      await page.screenshot({ path: join(shots, 'hover.png') });
    }
    await page.keyboard.press('Escape');

    // 2. Quick fix on the torchvision pin (line 8): Ctrl+. for the menu.
    await goTo('8:14');
    await page.keyboard.press('Control+.');
    const actions = page.locator('.action-widget .monaco-list-row.action');
    await actions.first().waitFor({ timeout: T });
    const titles = await actions.evaluateAll((els) => els.map((e) => (e.querySelector('.title')?.textContent || e.getAttribute('aria-label') || '').trim()));
    lap(`quick fixes offered: ${JSON.stringify(titles)}`);
    const wanted = titles.find((t) => /^Pinwise \(torch-family-mismatch\): Set torchvision to 0\.18\.1\+rocm5\.7/.test(t));
    if (!wanted) fail('the quick fix "Pinwise (torch-family-mismatch): Set torchvision to 0.18.1+rocm5.7" is not offered');
    for (const title of [
      'Pinwise (torch-family-mismatch): Disable torch-family-mismatch for this line',
      'Pinwise (torch-family-mismatch): Disable torch-family-mismatch for this file',
      'Pinwise: Show documentation for pinwise(torch-family-mismatch)',
    ]) {
      if (!titles.includes(title)) fail(`"${title}" is not offered`);
    }
    if (shots) await page.screenshot({ path: join(shots, 'quick-fix.png') });
    // Mouse clicks on the menu are swallowed by an overlay in headless chromium: move the focus, then Enter.
    const choose = async (title, count) => {
      for (let i = 0; i < count * 2; i++) {
        const focused = await page.locator('.action-widget .monaco-list-row.action.focused').first().evaluate((e) => (e.querySelector('.title')?.textContent || '').trim()).catch(() => null);
        if (focused === title) break;
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
    };
    await choose(wanted, titles.length);
    // Saving runs source.fixAll (editor.codeActionsOnSave): torchaudio's +rocm5.7.1 and the onnxruntime
    // removal are pin changes, so the file on disk must differ in the torchvision pin only.
    await page.keyboard.press('Control+s');
    const fixed = original.replace('torchvision==0.17.0+rocm5.7', 'torchvision==0.18.1+rocm5.7');
    let onDisk = original;
    for (const end = Date.now() + T; Date.now() < end && onDisk !== fixed; await page.waitForTimeout(100)) onDisk = readFileSync(requirements, 'utf8');
    if (onDisk !== fixed) fail(`after the quick fix and save, requirements.txt is not as expected:\n${onDisk}`);
    lap(`"${wanted}" applied and saved; the file differs from the original in that pin only`);
    for (const end = Date.now() + T; Date.now() < end; await page.waitForTimeout(200)) {
      problems = await readProblems();
      if (!problems.some((p) => expected[0].test(p))) break;
    }
    if (problems.some((p) => expected[0].test(p))) fail('the torch-family-mismatch finding is still listed after the fix');
    lap('the finding is gone from the Problems panel');

    // 2a. "Show documentation" on the torchaudio finding (line 9): the shipped page in Markdown preview.
    // Right after the save the editor may still hold the diagnostics of the version before it, and then
    // shows "No code actions available": asked again (as a user would), it lists them.
    await goTo('9:22');
    for (const end = Date.now() + T; ; ) {
      await page.keyboard.press('Control+.');
      const shown = await actions.first().waitFor({ timeout: 5000 }).then(() => true, () => false);
      if (shown) break;
      if (Date.now() > end) fail('no code actions on the torchaudio pin (line 9)');
      lap('no code actions yet on line 9: asking again');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
    const docsTitles = await actions.evaluateAll((els) => els.map((e) => (e.querySelector('.title')?.textContent || e.getAttribute('aria-label') || '').trim()));
    const docsTitle = 'Pinwise: Show documentation for pinwise(unknown-wheel-variant)';
    if (!docsTitles.includes(docsTitle)) fail(`"${docsTitle}" is not offered: ${JSON.stringify(docsTitles)}`);
    await choose(docsTitle, docsTitles.length);
    const previewTab = page.locator('.tab[aria-label*="Preview unknown-wheel-variant.md"]');
    await previewTab.first().waitFor({ timeout: T });
    const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await preview.locator('h1, h2', { hasText: 'What it does' }).first().waitFor({ timeout: T });
    lap('"Show documentation" opened the bundled unknown-wheel-variant.md in Markdown preview');
    await previewTab.first().click();
    await page.keyboard.press('Control+w');
    await page.locator('.tab[aria-label*="Preview"]').first().waitFor({ state: 'detached', timeout: T });
    await page.locator('.tab[aria-label^="requirements.txt"]').first().click();

    // 2b. The Dockerfile: the CLI's finding when opened, and an edit (unsaved) re-checks it live.
    const dockerMismatch = /torchvision==0\.17\.0 cannot install with torch==2\.3\.1/;
    const cli = JSON.parse(spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'check', '--format', 'json', '--no-cache', ws], { encoding: 'utf8' }).stdout);
    const cliDocker = cli.findings.filter((f) => f.file === 'Dockerfile');
    if (!cliDocker.some((f) => dockerMismatch.test(f.message))) fail(`pinwise check reports no torch-family mismatch in the Dockerfile: ${JSON.stringify(cliDocker)}`);
    await quickOpen('Dockerfile');
    await filterProblems('**/Dockerfile');
    // The file's row in the panel says how many problems it has (the list below it is virtualised).
    const dockerCount = () => Number(/(\d+) problems? in file Dockerfile /.exec(problems.join('\n'))?.[1] ?? -1);
    for (const end = Date.now() + T; Date.now() < end; await page.waitForTimeout(200)) {
      problems = await readProblems();
      if (problems.some((p) => dockerMismatch.test(p)) && dockerCount() === cliDocker.length) break;
    }
    if (dockerCount() !== cliDocker.length || !problems.some((p) => dockerMismatch.test(p))) fail(`the open Dockerfile shows ${dockerCount()} problem(s), pinwise check ${cliDocker.length}:\n${problems.join('\n')}`);
    await goTo('2:1');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('RUN pip install torch==2.3.1 torchvision==0.18.1');
    for (const end = Date.now() + T; Date.now() < end; await page.waitForTimeout(200)) {
      problems = await readProblems();
      if (!problems.some((p) => dockerMismatch.test(p))) break;
    }
    if (problems.some((p) => dockerMismatch.test(p))) fail('after an edit of the Dockerfile, its torch-family mismatch is still listed');
    await page.keyboard.press('Control+s');
    lap(`the open Dockerfile showed the CLI's ${cliDocker.length} problem(s); the edit re-checked it before saving`);
    await filterProblems('');
    await page.locator('.tab[aria-label^="requirements.txt"]').first().click();
    await page.locator('.tab.active[aria-label^="requirements.txt"]').first().waitFor({ timeout: T });

    // 3. Pinwise: Audit Workspace, from the command palette: a webview panel beside the editor.
    await runCommand('Pinwise: Audit Workspace');
    await page.locator('.tab[aria-label*="Pinwise Audit"]').first().waitFor({ timeout: T });
    if ((await page.locator('.tab[aria-label*="Untitled"], .tab[aria-label*="Preview"]').count()) > 0) fail('the audit opened an untitled document or a Markdown preview');
    await report.locator('h1', { hasText: 'Pinwise audit' }).waitFor({ timeout: T });
    const headings = await report.locator('h2').allTextContents();
    lap(`audit report open: ${headings.length} section(s): ${headings.join(' | ')}`);
    if (!headings.some((h) => /^Environment requirements\.txt/.test(h))) fail('the audit report has no section for the requirements.txt environment');
    const tables = await report.locator('table').count();
    if (tables < 2) fail(`the audit report shows ${tables} table(s)`);
    const stack = (await report.locator('table.pins tr').allTextContents()).join('\n');
    if (!/torchvision==0\.18\.1\+rocm5\.7\s*requirements\.txt:8/.test(stack)) fail(`the resolved stack does not list the fixed torchvision pin at requirements.txt:8:\n${stack}`);
    const fixButton = report.locator('#fix-all');
    const fixLabel = (await fixButton.textContent())?.trim() ?? '';
    lap(`report button: "${fixLabel}"`);
    if (!/^Fix all safe problems \(\d+\)$/.test(fixLabel)) fail(`the fix-all button reads "${fixLabel}"`);
    const status = await pinwiseItem.first().textContent({ timeout: T });
    lap(`status bar: ${status?.trim()}`);
    if (shots) {
      // The editor and the report side by side: panel and side bar hidden.
      await page.keyboard.press('Control+j');
      await page.keyboard.press('Control+b');
      await page.waitForTimeout(600);
      await page.screenshot({ path: join(shots, 'audit-report.png') });
      await page.keyboard.press('Control+b');
      await page.keyboard.press('Control+j'); // the panel back: the refactor preview opens there
    }
    // A location link opens its file in the editor beside the report.
    await report.locator('a.loc', { hasText: /^requirements-cpu\.txt:\d+$/ }).first().click();
    await page.locator('.tab[aria-label*="requirements-cpu.txt"]').first().waitFor({ timeout: T });
    lap('a link in the report opened requirements-cpu.txt');

    // 4. "Fix all safe problems": the editor writes what `pinwise check --fix` writes on a copy.
    const oracle = join(work, 'oracle');
    cpSync(ws, oracle, { recursive: true });
    spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'check', '--fix', '--no-cache', oracle], { stdio: 'ignore' });
    const before = snapshot(ws);
    const expectedFiles = snapshot(oracle);
    const changedFiles = Object.keys(expectedFiles).filter((f) => expectedFiles[f] !== before[f]);
    if (changedFiles.length === 0) fail('pinwise check --fix changes nothing in the example project: nothing to compare with');
    await fixButton.click();
    // The edits need confirmation: VS Code's refactor preview lists them, nothing is written yet.
    const applyButton = page.locator('.bulk-edit-panel .monaco-button', { hasText: /^Apply$/ });
    await applyButton.first().waitFor({ timeout: T });
    if (shots) await page.screenshot({ path: join(shots, 'refactor-preview.png') });
    if (Object.keys(before).some((f) => snapshot(ws)[f] !== before[f])) fail('"Fix all safe problems" wrote a file before the preview was confirmed');
    lap('"Fix all safe problems" opened the refactor preview');
    // VS Code leaves edits that need confirmation unticked: tick every file, then Apply.
    const unticked = page.locator('.bulk-edit-panel input[type="checkbox"]:not(:checked)');
    // Ticking a file ticks its edits: the box counted a moment ago may be gone, so a click that finds none is not a failure.
    for (let i = 0; i < 20 && (await unticked.count()) > 0; i++) {
      await unticked.first().click({ timeout: 2000 }).catch(() => undefined);
      await page.waitForTimeout(150);
    }
    if ((await unticked.count()) > 0) fail('the refactor preview still has unticked edits after ticking them');
    await applyButton.first().click();
    await applyButton.first().waitFor({ state: 'detached', timeout: T });
    if (changedFiles.some((f) => snapshot(ws)[f] !== before[f])) fail('"Fix all safe problems" saved a file: it must leave them unsaved');
    // The panel closes and the report refreshes after Apply, moving the focus: let it settle.
    await page.waitForTimeout(1500);
    await runCommand('File: Save All');
    let now = before;
    for (const end = Date.now() + T; Date.now() < end; await page.waitForTimeout(200)) {
      now = snapshot(ws);
      if (changedFiles.every((f) => now[f] === expectedFiles[f])) break;
    }
    const differing = Object.keys({ ...expectedFiles, ...now }).filter((f) => now[f] !== expectedFiles[f]);
    if (differing.length > 0) fail(`after "Fix all safe problems", these files differ from pinwise check --fix: ${differing.join(', ')}\n${differing.map((f) => `--- ${f}\n${now[f]}`).join('\n')}`);
    lap(`"Fix all safe problems" wrote ${changedFiles.join(', ')}, byte for byte what pinwise check --fix writes`);
    const notice = report.locator('.notice');
    await notice.waitFor({ timeout: T });
    lap(`report refreshed: ${(await notice.textContent())?.trim()} ${(await report.locator('.summary').textContent())?.trim()}`);
    if (!/^Fixed \d+ files?, not saved/.test((await notice.textContent())?.trim() ?? '')) fail('the report does not say what was fixed');

    // 5. "Upgrade the PyTorch family" on the torch pin: one WorkspaceEdit over every file, byte for
    // byte what `pinwise upgrade torch==X` writes on a copy.
    await runCommand('File: Save All');
    await page.locator('.tab[aria-label^="requirements.txt"]').first().click();
    await page.locator('.tab.active[aria-label^="requirements.txt"]').first().waitFor({ timeout: T });
    await goTo('7:3');
    await page.keyboard.press('Control+.');
    await actions.first().waitFor({ timeout: T });
    const upgradeTitles = (await actions.evaluateAll((els) => els.map((e) => (e.querySelector('.title')?.textContent || e.getAttribute('aria-label') || '').trim()))).filter((t) =>
      /Upgrade the PyTorch family to torch \S+ in every file/.test(t),
    );
    lap(`upgrade actions offered: ${JSON.stringify(upgradeTitles)}`);
    const upgradeTitle = upgradeTitles.at(-1);
    if (!upgradeTitle) fail('no "Upgrade the PyTorch family" action is offered on the torch pin');
    const upgradeTo = /to torch (\S+) in every file/.exec(upgradeTitle)[1];
    const upgradeOracle = join(work, 'upgrade-oracle');
    cpSync(ws, upgradeOracle, { recursive: true });
    spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'upgrade', `torch==${upgradeTo}`, upgradeOracle], { stdio: 'ignore' });
    const beforeUpgrade = snapshot(ws);
    const upgraded = snapshot(upgradeOracle);
    const upgradedFiles = Object.keys(upgraded).filter((f) => upgraded[f] !== beforeUpgrade[f]);
    if (upgradedFiles.length < 2) fail(`pinwise upgrade torch==${upgradeTo} changes ${upgradedFiles.length} file(s) of the example project: nothing project-wide to compare with`);
    for (let i = 0; i < 40; i++) {
      const focused = await page.locator('.action-widget .monaco-list-row.action.focused').first().evaluate((e) => (e.querySelector('.title')?.textContent || '').trim()).catch(() => null);
      if (focused === upgradeTitle) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    await runCommand('File: Save All');
    let afterUpgrade = beforeUpgrade;
    for (const end = Date.now() + T; Date.now() < end; await page.waitForTimeout(200)) {
      afterUpgrade = snapshot(ws);
      if (upgradedFiles.every((f) => afterUpgrade[f] === upgraded[f])) break;
    }
    const upgradeDiffers = Object.keys({ ...upgraded, ...afterUpgrade }).filter((f) => afterUpgrade[f] !== upgraded[f]);
    if (upgradeDiffers.length > 0) fail(`after "${upgradeTitle}", these files differ from pinwise upgrade: ${upgradeDiffers.join(', ')}\n${upgradeDiffers.map((f) => `--- ${f}\n${afterUpgrade[f]}`).join('\n')}`);
    lap(`"${upgradeTitle}" wrote ${upgradedFiles.join(', ')}, byte for byte what pinwise upgrade writes`);

    // 6. Pinwise: Show Debug Information: versions and, per folder, the environments found.
    await runCommand('Pinwise: Show Debug Information');
    await page.locator('.tab.active[aria-label*="Untitled"]').first().waitFor({ timeout: T });
    let debugText = '';
    for (const end = Date.now() + T; Date.now() < end; await page.waitForTimeout(200)) {
      debugText = ((await page.locator(`${editor} .view-lines`).first().textContent()) ?? '').replace(/\u00a0/g, ' '); // the editor renders spaces as no-break spaces
      if (/Knowledge base: current to \d{4}-\d{2}-\d{2}/.test(debugText)) break;
    }
    if (!/Pinwise debug information/.test(debugText) || !/Server: \S+, Node v\d+/.test(debugText) || !/Knowledge base: current to \d{4}-\d{2}-\d{2}/.test(debugText)) fail(`the debug information lacks the versions:\n${debugText.slice(0, 600)}`);
    if (!/Environments/.test(debugText) || !/requirements\.txt/.test(debugText)) fail(`the debug information lists no environment:\n${debugText.slice(0, 600)}`);
    lap('"Pinwise: Show Debug Information" shows the versions and the environments');
    lap('PASS');
    return 0;
  } catch (error) {
    console.log(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
    const page = ctx?.pages()[0];
    if (page) await page.screenshot({ path: join(work, 'failure.png') }).catch(() => undefined);
    console.log(`artifacts kept in ${work} (failure.png, code-server.log)`);
    writeFileSync(logFile, serverLog.join(''));
    opts.keep = true;
    return 1;
  } finally {
    await ctx?.close().catch(() => undefined);
    stopServer();
    rmSync(profile, { recursive: true, force: true });
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  console.log('FAIL: the end-to-end test took over 6 minutes');
  process.exit(1);
}, 360_000);
watchdog.unref();
main().then(
  (code) => process.exit(code),
  (error) => {
    console.log(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
