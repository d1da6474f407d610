// `--diff`: what `--fix` would write, as a unified diff (`git apply` / `patch -p1` read it).

type Op = { tag: ' ' | '-' | '+'; line: string };

const maxEditDistance = 2000;

/** Line-level edit script between two texts: Myers' O(ND) shortest edit (fixes change few lines). */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    // Past this many differing lines a minimal script is not worth its memory: replace it all.
    if (d > maxEditDistance) return [...a.map((line): Op => ({ tag: '-', line })), ...b.map((line): Op => ({ tag: '+', line }))];
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  // Walk the trace back from the end, collecting the script in reverse.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ tag: ' ', line: a[--x]! });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ tag: '+', line: b[--y]! });
    else ops.push({ tag: '-', line: a[--x]! });
  }
  ops.reverse();
  // Removals before additions inside each changed block, as diff(1) prints them.
  for (let i = 0; i < ops.length; ) {
    if (ops[i]!.tag === ' ') {
      i++;
      continue;
    }
    let end = i;
    while (end < ops.length && ops[end]!.tag !== ' ') end++;
    const block = ops.slice(i, end);
    // Written back in place: a spread into splice() overflows the stack on a block of ~100,000 lines.
    const ordered = block.filter((o) => o.tag === '-').concat(block.filter((o) => o.tag === '+'));
    for (let k = 0; k < ordered.length; k++) ops[i + k] = ordered[k]!;
    i = end;
  }
  return ops;
}

/**
 * Lines of a text; a last line without its newline is marked with a trailing NUL, so it differs
 * from the same line with one and the diff can say "No newline at end of file".
 */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += '\0';
  return lines;
}

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const ops = diffLines(splitLines(before), splitLines(after));
  const out = [`--- a/${path}`, `+++ b/${path}`];
  const changed = ops.map((op, index) => (op.tag !== ' ' ? index : -1)).filter((index) => index >= 0);
  // Hunks: changed lines with `context` lines around them, merged when their contexts touch.
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(ops.length, index + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  for (const [from, to] of hunks) {
    let lineA = 1;
    let lineB = 1;
    for (const op of ops.slice(0, from)) {
      if (op.tag !== '+') lineA++;
      if (op.tag !== '-') lineB++;
    }
    const body = ops.slice(from, to);
    const countA = body.filter((op) => op.tag !== '+').length;
    const countB = body.filter((op) => op.tag !== '-').length;
    const range = (line: number, count: number) => `${count === 0 ? line - 1 : line}${count === 1 ? '' : `,${count}`}`;
    out.push(`@@ -${range(lineA, countA)} +${range(lineB, countB)} @@`);
    for (const op of body) {
      if (op.line.endsWith('\0')) out.push(`${op.tag}${op.line.slice(0, -1)}`, '\\ No newline at end of file');
      else out.push(`${op.tag}${op.line}`);
    }
  }
  return out.join('\n') + '\n';
}
