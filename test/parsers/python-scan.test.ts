// The token scan that spares most .py files a tree-sitter parse: it may say "maybe" too often, never
// "no" for a reference the tree walk reports. Checked against the walk itself on every fixture, on
// broken and adversarial variants of them, and on the constructs the scan has to read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import { pythonReferences } from '../../server/src/engine/parsers/python';
import { referenceQuery, scanPython, type ScanQuery } from '../../server/src/engine/parsers/python-scan';
import { loadGrammars } from '../../server/src/host/grammars';
import { pythonFiles } from '../../scripts/python-files';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const fixtureRoot = join(__dirname, '..', 'fixtures');

/** The references the walk reports that the scan rules out (must be none). */
function missed(text: string): string[] {
  const scan = scanPython(text);
  return pythonReferences(text, grammars)
    .filter((ref) => !scan.mayReach(referenceQuery(ref)))
    .map((ref) => `${ref.kind} ${ref.path}${ref.keyword ? ` ${ref.keyword}` : ''} @${ref.span.start}`);
}

/** A query for one dotted path (and keyword), as deprecated-api asks it. */
const query = (path: string, keyword?: string): ScanQuery => {
  const names = path.replace(/\(\)/g, '').split('.');
  return {
    names: keyword ? [] : [names[names.length - 1]!],
    keywords: keyword ? [keyword] : [],
    wants: (p, k) => p === path && k === keyword,
  };
};
const reaches = (text: string, path: string, keyword?: string): boolean => scanPython(text).mayReach(query(path, keyword));

// Snippets for the constructs a token scan can get wrong: strings of every kind, f-string fields,
// brackets, continuations, statements on one line, bindings through assignments and annotations.
const adversarial = [
  'import numpy as np\nx = f"{np.float}"\n',
  'import numpy as np\nx = f"it\'s {np.float_:>{np.int_}} {{np.bool}}"\n',
  'import numpy as np\nx = f"{d["k"]}" + f\'{np.NaN!r}\'\ny = rf"\\{np.Inf}"\n',
  'import numpy as np\ns = """doc\nnp.float\n"""; np.product(1)\n',
  "import numpy as np\ns = 'a\\\n np.float'\nnp.alltrue(x)\n",
  'import numpy as np\nif x: y = np.float\nelse: z = np.int\ny(1); z.real\n',
  'from numpy import (\n  float_ as F,  # comment\n  product,\n)\nF(1); product(2)\n',
  'import numpy as np\nv = (np\n  .random\n  .mtrand)\nv.rand(1)\nw = np \\\n  .float\n',
  'import pandas as pd\ndef f(df: pd.DataFrame, n: int = 1, *a: pd.Series):\n    return df.append(n)\n',
  'import pandas as pd\ndf: pd.DataFrame = load()\ndf.iteritems()\n',
  'import gradio as gr\nwith gr.Blocks() as demo, open(f) as fh:\n    demo.queue(concurrency_count=2)\n',
  'import numpy as np\nd = {}\nd["x"] = a = np.float\na(1)\n',
  'import numpy as np\n(lambda: np).float\n(np).float\n((np.random)).rand(3)\n',
  'import numpy as np\nclass A(np.ndarray): x = np.float; y: int = np.int\n',
  'import torch\ntorch.load(f, weights_only=False)\nm = torch.load\nm(f, map_location="cpu")\n',
  'import numpy as np\nimport numpy.linalg as la\nla.norm(np.float(1))\n',
  'from __future__ import annotations\nimport typing\nannotations = typing.get_type_hints(x)\n[annotations.pop(k) for k in y]\n',
  'import numpy as np\nx = np\nx = x.random\nx.rand(1)\n',
  'import numpy as np\nmatch x:\n    case 1: y = np.float\ny(2)\n',
  'import numpy as np\nasync def f():\n    async with np.errstate() as e:\n        e.float\n',
  'import numpy as np\nt = t"{np.float}"\nb = b"{np.float}"\n',
  '\uFEFFimport numpy as np\nnp.float\n',
  'import numpy as np\nx = 0x1e+np.float\ny = 1e-5; np.int\n',
  'import numpy as np\nprint(np.float, file=np.int)\n',
  'import naïve as nv\nnv.ünïcode.float\n',
  // Names assigned from themselves, which the walk leaves unresolved, and the names taken from them.
  'import numpy as np\nx = np\nx = (x).random\ny = x.rand\ny(1)\nx.rand(2)\n',
  'import pandas as pd\ndf = pd.DataFrame()\nr = df.copy()\ndf = df.reset_index()\nr.append(1)\ndf.append(2)\n',
  'import pandas as pd\nwith pd.HDFStore(p) as s:\n    s = s.select("k")\n    s.append(1)\n',
  'import numpy as np\ny = x = np\nx = x.random\ny.float\nx = np\nx.float\n',
  'import numpy as np\nx = x.float\nx = np\nx.int\n',
  // A name bound to many paths (more than the scan follows), called and passed on.
  'import numpy as np\n' + Array.from({ length: 20 }, (_, i) => `f = np.m${i}\n`).join('') + 'f(1)\n(f)(2)\ng = f\ng.float\nf.int(3, dtype=4)\n',
];

describe('python token scan', () => {
  it('rules out no reference the tree walk reports, on every fixture and every adversarial snippet', () => {
    const files = pythonFiles(fixtureRoot);
    expect(files.length).toBeGreaterThan(20);
    const texts = [...files.map((f) => readFileSync(f, 'utf8')), ...adversarial];
    for (const text of texts) expect(missed(text), text.slice(0, 200)).toEqual([]);
  });

  it('rules out nothing the walk reports in broken variants: cut anywhere, a quote, bracket or # put in', () => {
    const samples = [...pythonFiles(join(fixtureRoot, 'deprecated-api')).map((f) => readFileSync(f, 'utf8')), ...adversarial];
    let variants = 0;
    const failures: string[] = [];
    for (const text of samples) {
      const step = Math.max(1, Math.floor(text.length / 12));
      for (let at = 0; at < text.length; at += step) {
        for (const insert of ['', '"', "'", '"""', '(', ')', '#', '\\', 'f"{', '}', '\n']) {
          const variant = insert === '' ? text.slice(0, at) : text.slice(0, at) + insert + text.slice(at);
          const wrong = missed(variant);
          if (wrong.length) failures.push(`${JSON.stringify(variant.slice(Math.max(0, at - 60), at + 60))}: ${wrong.join(", ")}`);
          variants++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(variants).toBeGreaterThan(3000);
  });

  it('answers no where only strings, comments or unrelated objects name the attribute', () => {
    expect(reaches('import numpy as np\n"""np.float"""\n# np.float\n', 'numpy.float')).toBe(false);
    expect(reaches('import numpy as np\nx = f"np.float {y}"\n', 'numpy.float')).toBe(false);
    // `.append` on a list, on self, on a subscript, on a name bound to two different things
    const pandas = 'import pandas as pd\nitems = []\nitems.append(1)\nself.rows.append(2)\nd[0].append(3)\ndf = pd.DataFrame()\ndf = pd.Series()\ndf.append(4)\n';
    expect(reaches(pandas, 'pandas.DataFrame().append')).toBe(false);
    // a keyword on a call the file does not reach from the library
    expect(reaches('import torch\nopen(f, weights_only=True)\n', 'torch.load', 'weights_only')).toBe(false);
    // Reassigned from itself (pandas' tests do it dozens of times): the walk leaves `df` unresolved, and
    // `df.append` on it reaches nothing; a name taken from it before then still does.
    const chained = `import pandas as pd\ndf = pd.DataFrame()\nfirst = df.copy()\n${'df = df.reset_index()\n'.repeat(30)}df.append(1)\n`;
    expect(reaches(chained, 'pandas.DataFrame().append')).toBe(false);
    expect(reaches(`${chained}first.append(2)\n`, 'pandas.DataFrame().copy().append')).toBe(true);
    // A name taken from one with more paths than are followed may be bound to anything, but that is no
    // reason to parse a file that never calls it or uses it in a chain ending in a wanted name.
    const many = `import pandas as pd\n${Array.from({ length: 20 }, (_, i) => `base = pd.f${i}()\n`).join('')}res = base.g()\nres.sum()\nprint(x.append)\n`;
    expect(reaches(many, 'pandas.DataFrame().append')).toBe(false);
    expect(reaches(`${many}res.append(1)\n`, 'pandas.DataFrame().append')).toBe(true);
    expect(reaches(`${many}res(1)\n`, 'pandas.DataFrame().append')).toBe(true);
  });

  it('answers yes through assignments, annotations, with-as, imported names and keywords', () => {
    expect(reaches('import pandas as pd\ndf = pd.DataFrame()\ndf.append(4)\n', 'pandas.DataFrame().append')).toBe(true);
    expect(reaches('import pandas as pd\ndef f(df: pd.DataFrame):\n    df.append(1)\n', 'pandas.DataFrame().append')).toBe(true);
    expect(reaches('from numpy import float_ as F\nF(1)\n', 'numpy.float_')).toBe(true);
    expect(reaches('import torch\ntorch.load(f, weights_only=False)\n', 'torch.load', 'weights_only')).toBe(true);
    expect(reaches('import gradio as gr\nwith gr.Blocks() as demo:\n    demo.queue(concurrency_count=2)\n', 'gradio.Blocks().queue', 'concurrency_count')).toBe(true);
  });

  it('says maybe to everything when it cannot read the text, and never throws', () => {
    for (const text of ['import numpy as np\nx = "unterminated\nnp.float\n', 'import numpy as np\n(np.float\n', '"""open', 'x = 1 ? 2', 'f"' + '{f"'.repeat(300)]) {
      const scan = scanPython(text);
      expect(scan.unsure, text).toBe(true);
      expect(scan.mayReach(query('numpy.float'))).toBe(true);
    }
    // Deep nesting and long inputs stay linear and never overflow the stack.
    for (const text of ['('.repeat(100_000) + 'np' + ')'.repeat(100_000), `import numpy as np\nx = ${'('.repeat(50_000)}np${')'.repeat(50_000)}.float\n`, `import numpy as np\nnp${'.a'.repeat(100_000)}.float\n`, `import torch\ntorch.load(${'k=1, '.repeat(50_000)}weights_only=1)\n`]) {
      expect(() => scanPython(text).mayReach(query('numpy.float'))).not.toThrow();
    }
    expect(reaches(`import torch\ntorch.load(${'k=1, '.repeat(50_000)}weights_only=1)\n`, 'torch.load', 'weights_only')).toBe(true);
  });
});
