// Typed view of rules/docker-images.yaml (validated by rules/schema/docker-images.schema.json; the
// types are generated from it): what a base image reference says about the stage it starts.
import { safeSatisfies, torchKnowledge, type TorchFamilyPackage } from './torch';
import type { DockerImagesDocument } from './generated/docker-images';
import type { KnowledgeBase } from './types';

type ImageEntry = DockerImagesDocument['images'][number];
type TagEntry = ImageEntry['tags'][number];

/** Offsets `[start, end)` into the reference text, where a value is written. */
export type ReferenceRange = [number, number];

/** What a base image holds, as far as its tag and the data say (nothing else is assumed). */
export interface ImageContents {
  /** The image as written (`pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime`), digest dropped. */
  reference: string;
  /** The repository as the data names it (`pytorch/pytorch`) and what it is. */
  repository: string;
  title: string;
  /** The Python it runs; `at` when the tag writes it. */
  python?: { version: string; at?: ReferenceRange; source: string };
  /** Python packages already installed, each at its version; `at` when the tag writes the version. */
  packages: { name: TorchFamilyPackage; version: string; at?: ReferenceRange }[];
  /** What its libraries are built for, and the PyTorch variant that matches when PyTorch serves one. */
  accelerator?: { family: 'cuda' | 'rocm'; version: string; variant: string | null; at: ReferenceRange };
  source: string;
}

interface CompiledTag {
  entry: TagEntry;
  pattern: RegExp | null;
}

interface CompiledImage {
  entry: ImageEntry;
  tags: CompiledTag[];
}

/** Image references to what they hold. Every query is total: unknown input gives null. */
export class ImageCatalog {
  private readonly byName = new Map<string, CompiledImage>();

  constructor(
    doc: DockerImagesDocument,
    private readonly kb: KnowledgeBase,
  ) {
    for (const entry of doc.images) {
      const compiled: CompiledImage = { entry, tags: entry.tags.map((tag) => ({ entry: tag, pattern: compilePattern(tag.pattern) })) };
      for (const name of entry.names) if (!this.byName.has(name)) this.byName.set(name, compiled);
    }
  }

  /** What `reference` (`name[:tag][@digest]`, as a FROM line writes it) holds, or null when the data does not know it. */
  contentsOf(reference: string): ImageContents | null {
    const parts = splitReference(reference);
    if (!parts) return null;
    const image = this.byName.get(parts.name.toLowerCase());
    if (!image || parts.tag === null) return null;
    for (const tag of image.tags) {
      const match = tag.pattern?.exec(parts.tag);
      if (!match) continue;
      return this.contents(image.entry, tag.entry, match, parts.tagAt, reference.slice(0, parts.end));
    }
    return null;
  }

  private contents(image: ImageEntry, tag: TagEntry, match: RegExpExecArray, tagAt: number, reference: string): ImageContents {
    const group = (name: string): { value: string; at: ReferenceRange } | null => {
      const value = match.groups?.[name];
      const indices = match.indices?.groups?.[name];
      if (value === undefined || !indices) return null;
      return { value, at: [tagAt + indices[0], tagAt + indices[1]] };
    };
    const out: ImageContents = { reference, repository: image.repository, title: image.title, packages: [], source: tag.source };
    const torch = group('torch');
    const python = group('python');
    if (python) out.python = { version: python.value, at: python.at, source: tag.source };
    else if (torch) {
      const row = image.pythonByTorch?.find((r) => safeSatisfies(torch.value, r.torch));
      if (row) out.python = { version: row.python, source: row.source };
    }
    const preinstalled = tag.preinstalled ?? [];
    // A torch release the data does not know may not exist as an image: nothing is assumed about it.
    const row = torch ? torchKnowledge(this.kb)?.releaseOf('torch', torch.value) : undefined;
    if (torch && row && preinstalled.includes('torch')) {
      out.packages.push({ name: 'torch', version: torch.value, at: torch.at });
      // The packages the tag does not name are those of torch's release row.
      for (const name of ['torchvision', 'torchaudio'] as const) {
        const version = row?.[name];
        if (preinstalled.includes(name) && version) out.packages.push({ name, version });
      }
    }
    const family = tag.accelerator;
    const version = family ? group(family) : null;
    if (family && version) out.accelerator = { family, version: version.value, variant: this.variantOf(family, version.value), at: version.at };
    return out;
  }

  /** `cu121` for CUDA 12.1, `rocm6.0` for ROCm 6.0: the PyTorch index of that name, when PyTorch serves one. */
  private variantOf(family: 'cuda' | 'rocm', version: string): string | null {
    const torch = torchKnowledge(this.kb);
    const name = torch?.variantNameOf(family, version) ?? null;
    return name && torch!.isKnownIndexVariant(name) ? name : null;
  }
}

function compilePattern(source: string): RegExp | null {
  try {
    return new RegExp(source, 'd');
  } catch {
    return null;
  }
}

/**
 * `[registry/]name[:tag][@digest]`: the name, and the tag with its offset (null when absent). A `:`
 * before the last `/` is a registry's port (`host:5000/img`), not a tag.
 */
export function splitReference(reference: string): { name: string; tag: string | null; tagAt: number; end: number } | null {
  const at = reference.indexOf('@');
  const end = at === -1 ? reference.length : at;
  const body = reference.slice(0, end);
  if (body === '' || /\s/.test(body)) return null;
  const colon = body.lastIndexOf(':');
  if (colon > body.lastIndexOf('/')) return { name: body.slice(0, colon), tag: body.slice(colon + 1), tagAt: colon + 1, end };
  return { name: body, tag: null, tagAt: end, end };
}

const cache = new WeakMap<object, ImageCatalog | null>();

/** The base-image catalog, or null when the knowledge base has no `docker-images` document. */
export function imageCatalog(kb: KnowledgeBase): ImageCatalog | null {
  const doc = kb.documents['docker-images'] as Partial<DockerImagesDocument> | undefined;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.images)) return null;
  if (cache.has(doc)) return cache.get(doc)!;
  const catalog = new ImageCatalog(doc as DockerImagesDocument, kb);
  cache.set(doc, catalog);
  return catalog;
}
