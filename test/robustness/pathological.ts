// Hostile inputs, built deterministically: each one is aimed at a way a parser
// can fail (throw, hang, backtrack, mis-measure offsets). Shared by the
// bad-input test and the long fuzz campaign.

/** A small deterministic PRNG (mulberry32) so "random" bytes are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(seed: number, length: number): Buffer {
  const next = prng(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

const requirementLines = [
  'torch==2.3.1+cu121 ; python_version >= "3.9"  # comment',
  '--extra-index-url https://download.pytorch.org/whl/cu121',
  'numpy>=1.26,<2 \\',
  '  --hash=sha256:0123456789abcdef',
  'onnxruntime-gpu[cuda]==1.18.0',
  '-r other.txt',
  'torchvision @ https://example.invalid/torchvision-0.18.1-cp311-cp311-linux_x86_64.whl',
  'Pillow==10.4.0 ; sys_platform == "linux" and platform_machine != "aarch64"',
];

/** `count` lines cycling through realistic requirement lines (with line breaks `eol`). */
export function manyLines(count: number, eol = '\n'): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(requirementLines[i % requirementLines.length]!);
  return out.join(eol) + eol;
}

/**
 * A giant lock-file-like requirements file: `count` lines of distinct packages with hashes,
 * comments and markers, plus one ML stack. (Thousands of pins of the *same* package are
 * a separate input, `manyLines`.)
 */
export function bigLockFile(count: number, eol = '\n'): string {
  const out: string[] = ['--extra-index-url https://download.pytorch.org/whl/cu121', 'torch==2.3.1+cu121', 'torchvision==0.18.1+cu121', 'numpy==1.26.4'];
  for (let i = 0; out.length < count; i++) {
    if (i % 10 === 0) out.push(`# via package-${i - 1}`);
    else if (i % 10 === 1) out.push(`package-${i}==1.${i % 97}.${i} ; python_version >= "3.9" \\`, `    --hash=sha256:${(i * 2654435761).toString(16).padStart(64, '0')}`);
    else out.push(`package-${i}[extra]==${i % 13}.0.${i}`);
  }
  return out.slice(0, count).join(eol) + eol;
}

export interface HostileInput {
  name: string;
  text: string;
}

/**
 * Every hostile input by name. `big` adds the multi-megabyte ones (10 MB single
 * line, 100k-line file), which the test runs under a per-test timeout.
 */
export function hostileInputs(big: boolean): HostileInput[] {
  const inputs: HostileInput[] = [];
  const add = (name: string, text: string) => inputs.push({ name, text });

  // Bytes and encodings.
  add('random bytes read as latin1', randomBytes(1, 64 * 1024).toString('latin1'));
  add('random bytes decoded as UTF-8 with replacement characters', randomBytes(2, 64 * 1024).toString('utf8'));
  add('invalid UTF-8 sequences (overlong, lone continuation, truncated)', Buffer.from([0xc0, 0xaf, 0x0a, 0x80, 0x80, 0x0a, 0xe2, 0x82, 0x0a, 0xf4, 0x90, 0x80, 0x80, 0x0a, 0x74, 0x6f, 0x72, 0x63, 0x68, 0xff]).toString('utf8'));
  add('lone surrogates', 'torch==2.1.0\uD800\nnumpy\uDC00==1.26.4\n\uDBFF\n');
  add('NUL bytes everywhere', 'tor\0ch==2.\0' + '3.1\n\0\0\0\n-r \0x.txt\n[project]\0\ndependencies = ["\0numpy"]\n');
  add('only NULs', '\0'.repeat(10_000));
  add('BOM', '\uFEFFtorch==2.3.1\n');
  add('BOM only', '\uFEFF');
  add('BOMs in the middle', 'torch==2.3.1\n\uFEFFnumpy==1.26.4\n\uFEFF\uFEFF-r x.txt\n');
  add('UTF-16LE bytes read as UTF-8', Buffer.from('\uFEFFtorch==2.3.1\r\nnumpy\r\n', 'utf16le').toString('utf8'));
  add('empty', '');

  // Line endings.
  add('CRLF/CR/LF mix', 'torch==2.3.1\r\nnumpy==1.26.4\rtorchvision==0.18.1\n\r\n\r\rpandas \\\r\n  ==2.2\\\r');
  add('CR only', manyLines(200, '\r'));
  add('lone CR line continuations', 'numpy \\\r==1.26 \\\r\\\r\\\r');
  add('backslash at end of file', 'torch==2.3.1 \\');
  add('ten thousand continuations', 'torch' + ' \\\n'.repeat(10_000) + '==2.3.1\n');

  // Quotes, heredocs, brackets left open.
  add('unterminated double quote', 'torch==2.3.1 ; python_version >= "3.9\nnumpy\n');
  add('unterminated single quote', "torch ; sys_platform == 'linux\n");
  add('unterminated quotes in pyproject', '[project]\ndependencies = ["torch==2.3.1\n[tool.poetry.dependencies]\nnumpy = "^1.26\n');
  add('unterminated triple-quoted TOML string', '[project]\ndependencies = ["""torch\n'.repeat(50));
  add('unterminated heredoc', 'cat <<EOF\npip install torch==2.3.1\n'.repeat(200));
  add('heredoc terminator never matches', 'python - <<"PY"\nimport numpy\nPY \n' + 'pip install numpy<2\n'.repeat(100));
  add('unterminated bracket in extras', 'torch[' + 'a,'.repeat(5_000) + '\n');
  add('unterminated URL requirement', 'torch @ ' + 'https://'.repeat(2_000) + '\n');
  add('unterminated Python string', 'import numpy as np\nx = """' + 'np.float\n'.repeat(1_000));

  // Markers and specifiers.
  add('(((( marker 10k deep', 'torch ; ' + '('.repeat(10_000) + 'python_version >= "3.9"' + ')'.repeat(10_000) + '\n');
  add('(((( marker 10k deep, unclosed', 'torch ; ' + '('.repeat(10_000) + 'python_version >= "3.9"\n');
  add(')))) marker 10k', 'torch ; python_version >= "3.9"' + ')'.repeat(10_000) + '\n');
  add('10k ors', 'torch ; ' + Array.from({ length: 10_000 }, () => 'python_version == "3.9"').join(' or ') + '\n');
  add('10k ands', 'torch ; ' + Array.from({ length: 10_000 }, () => 'os_name == "posix"').join(' and ') + '\n');
  add('10k nots (not a keyword in PEP 508)', 'torch ; ' + 'not '.repeat(10_000) + 'python_version >= "3.9"\n');
  add('10k-clause specifier', 'numpy' + Array.from({ length: 10_000 }, (_, i) => (i % 2 ? '!=1.' + i : '>=1.0')).join(',') + '\n');
  add('10k commas', 'numpy' + ','.repeat(10_000) + '\n');
  add('huge version number', 'torch==' + '9'.repeat(50_000) + '\n');
  add('version with 10k parts', 'torch==' + Array.from({ length: 10_000 }, () => '1').join('.') + '\n');
  add('local tag 10k long', 'torch==2.3.1+' + 'cu121.'.repeat(2_000) + '\n');
  add('deep pyproject marker', '[project]\ndependencies = ["torch ; ' + '('.repeat(5_000) + 'os_name == \'nt\'' + ')'.repeat(5_000) + '"]\n');

  // TOML nesting.
  add('nested TOML arrays 10k deep', '[project]\ndependencies = ' + '['.repeat(10_000) + '"torch"' + ']'.repeat(10_000) + '\n');
  add('nested TOML arrays 10k deep, unclosed', '[project]\ndependencies = ' + '['.repeat(10_000) + '\n');
  add('nested TOML inline tables 5k deep', '[tool.poetry.dependencies]\ntorch = ' + '{a = '.repeat(5_000) + '1' + '}'.repeat(5_000) + '\n');
  add('10k dotted table keys', '[' + Array.from({ length: 10_000 }, () => 'a').join('.') + ']\nx = 1\n');
  add('5k tables', Array.from({ length: 5_000 }, (_, i) => `[t${i}]\nk = "torch==2.${i}"`).join('\n'));
  add('TOML array of tables repeated', '[[project]]\n'.repeat(5_000));

  // Regex-hostile.
  add('ReDoS-style aaaa!', 'a'.repeat(50_000) + '!\n');
  add('whitespace run without newline', ' '.repeat(200_000) + 'x');
  add('tab and space alternation', ' \t'.repeat(100_000) + '#\n');
  add('= run', 'torch' + '='.repeat(100_000) + '\n');
  add('option prefix run', '-'.repeat(100_000) + '\n');
  add('--hash run', 'torch==2.3.1 ' + '--hash=sha256:'.repeat(5_000) + '\n');
  add('index-url of slashes', '--index-url ' + '/'.repeat(100_000) + '\n');
  add('${ run', 'pip install torch==${' + '${'.repeat(20_000) + '\n');
  add('comment of #', '#'.repeat(100_000));
  add('pinwise ignore spam', 'torch==2.3.1+cu118  # pinwise: ignore[' + 'a,'.repeat(10_000) + '\n');
  add('the same stack pinned 2,000 times (10,000 lines)', manyLines(10_000));
  add('pip install with 20k args', 'pip install ' + 'torch==2.3.1 '.repeat(20_000) + '\n');
  add('20k bash -c scripts', "bash -c 'pip install torch==2.3.1'\n".repeat(20_000));
  add('bash -c nested 40 deep', "bash -c '".repeat(40) + 'pip install torch==2.3.1' + "'".repeat(40) + '\n');
  add('python attribute chain', 'import numpy as np\nnp' + '.np'.repeat(20_000) + '\n');
  add('5k launcher strings', 'import os\n' + 'CMD = "pip install torch==2.3.1 numpy>=1.26 -r r.txt"\n'.repeat(5_000));
  add('launcher f-string of 10k interpolations', 'X = f"pip install ' + '{a}'.repeat(10_000) + '"\n');
  add('setup() with 10k-deep nested lists', 'from setuptools import setup\nsetup(install_requires=' + '['.repeat(10_000) + '"torch"' + ']'.repeat(10_000) + ')\n');
  add('setup.py names bound in a chain 5k long', Array.from({ length: 5_000 }, (_, i) => `R${i + 1} = R${i}`).join('\n') + '\nR0 = ["torch"]\nsetup(install_requires=R5000, extras_require=R5000)\n');
  add('python 5k nested parentheses', 'import numpy as np\nx = ' + '('.repeat(5_000) + 'np.float' + ')'.repeat(5_000) + '\n');

  if (big) {
    add('10 MB single line', 'torch==2.3.1 ; python_version >= "3.9" and ' + 'x'.repeat(10 * 1024 * 1024) + '\n');
    add('10 MB single line of spaces', 'numpy' + ' '.repeat(10 * 1024 * 1024));
    add('100k-line lock file', bigLockFile(100_000));
    add('100k-line lock file, CRLF', bigLockFile(100_000, '\r\n'));
  }
  return inputs;
}
