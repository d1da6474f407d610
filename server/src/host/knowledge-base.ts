// Loads rules/**/*.yaml from disk and validates each against rules/schema/<name>.schema.json.
import Ajv from 'ajv';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KnowledgeBase } from '../engine/kb/types';
import { pushAll } from '../engine/arrays';

export class KnowledgeBaseError extends Error {}

/** Every YAML document under a rules folder (its schema/ folder left out), in a stable order. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (entry === 'schema') continue;
    if (statSync(full).isDirectory()) pushAll(out, yamlFiles(full));
    else if (/\.ya?ml$/.test(entry)) out.push(full);
  }
  return out;
}

/**
 * Every document under `rulesDir`, keyed by its path without extension
 * (`torch`, `deprecations/numpy`). A document without a schema, or one that
 * fails its schema, is an error: the knowledge base ships only checked data.
 */
export function loadKnowledgeBase(rulesDir: string): KnowledgeBase {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const documents: Record<string, unknown> = {};
  // One compiled validator per schema: every file under rules/deprecations/ shares one.
  const validators = new Map<string, ReturnType<Ajv['compile']>>();
  for (const file of yamlFiles(rulesDir)) {
    const key = relative(rulesDir, file).replace(/\\/g, '/').replace(/\.ya?ml$/, '');
    const schemaName = key.includes('/') ? key.slice(0, key.indexOf('/')) : key;
    const schemaPath = join(rulesDir, 'schema', `${schemaName}.schema.json`);
    let validate = validators.get(schemaName);
    if (!validate) {
      let schema: object;
      try {
        schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
      } catch {
        throw new KnowledgeBaseError(`${key}: no schema at rules/schema/${schemaName}.schema.json`);
      }
      validate = ajv.compile(schema);
      validators.set(schemaName, validate);
    }
    const data: unknown = parseYaml(readFileSync(file, 'utf8'));
    if (!validate(data)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
      throw new KnowledgeBaseError(`${key}: ${errors}`);
    }
    documents[key] = data;
  }
  return { documents };
}

/** File name of the knowledge base compiled (validated, as JSON) by the build, beside the bundles. */
export const compiledKnowledgeBaseName = 'kb.json';

/** The compiled form (what `dist/kb.json` holds): the validated documents as one JSON object. */
export function compiledKnowledgeBaseText(kb: KnowledgeBase): string {
  return JSON.stringify(kb.documents);
}

/** A knowledge base compiled by `compiledKnowledgeBaseText`: already validated, so only parsed. */
export function readCompiledKnowledgeBase(file: string): KnowledgeBase {
  return { documents: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
}

/**
 * The knowledge base the bundles ship with: `dist/kb.json`, validated at build
 * time, so starting the server or the CLI parses JSON instead of YAML and
 * compiling schemas. Falls back to validating `rules/` (development from source).
 */
export function loadShippedKnowledgeBase(bundleDir: string): KnowledgeBase {
  try {
    return readCompiledKnowledgeBase(join(bundleDir, compiledKnowledgeBaseName));
  } catch {
    const candidates = [join(bundleDir, '..', 'rules'), join(bundleDir, '..', '..', '..', 'rules')];
    const rulesDir = candidates.find((dir) => existsSync(join(dir, 'schema'))) ?? candidates[0]!;
    return loadKnowledgeBase(rulesDir);
  }
}
