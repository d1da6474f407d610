// TypeScript types for the compiled knowledge base, generated from rules/schema/*.schema.json into
// server/src/engine/kb/generated/. The build fails when the committed files differ from what the
// schemas generate (`npm run kb:types` rewrites them), so the types the engine reads the data with
// cannot drift from what the schemas let through.
import { compile } from 'json-schema-to-typescript';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const outDir = 'server/src/engine/kb/generated';

/** `known-incompatible` → `KnownIncompatibleDocument`. */
const typeName = (name) => `${name.split(/[-_]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Document`;

/** Generated file name (relative to the root) → its text, one per schema. */
export async function generateKbTypes(root) {
  const schemaDir = join(root, 'rules', 'schema');
  const out = new Map();
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort()) {
    const name = file.replace(/\.schema\.json$/, '');
    const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
    // The root's title and $id would name the type; the document kind names it instead.
    delete schema.title;
    delete schema.$id;
    const text = await compile(schema, typeName(name), {
      bannerComment: `// Generated from rules/schema/${file} by scripts/kb-types.mjs (npm run kb:types). Do not edit.`,
      additionalProperties: false,
      ignoreMinAndMaxItems: true,
      unreachableDefinitions: false,
      style: { singleQuote: true, printWidth: 140 },
    });
    out.set(`${outDir}/${name}.ts`, text);
  }
  return out;
}

/** The generated files that differ from the committed ones (or are missing, or left over). */
export async function kbTypesDrift(root) {
  const expected = await generateKbTypes(root);
  const drift = [];
  for (const [file, text] of expected) {
    const path = join(root, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) drift.push(file);
  }
  const dir = join(root, outDir);
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (!expected.has(`${outDir}/${f}`)) drift.push(`${outDir}/${f}`);
  return drift;
}

export async function writeKbTypes(root) {
  const expected = await generateKbTypes(root);
  const dir = join(root, outDir);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (!expected.has(`${outDir}/${f}`)) rmSync(join(dir, f));
  for (const [file, text] of expected) writeFileSync(join(root, file), text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeKbTypes(process.cwd());
}
