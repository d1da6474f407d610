// Entry of dist/check-worker.js: one worker thread of `pinwise check` (see workers.ts). It loads
// the knowledge base shipped beside it and the grammars, says it is ready, then checks each chunk
// of .py files it is sent beside the rest of the project, and answers with their findings.
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceFile } from '../engine/model';
import type { ParseCache } from '../engine/project';
import { loadGrammars } from '../host/grammars';
import { loadShippedKnowledgeBase } from '../host/knowledge-base';
import { checkChunk, type ChunkContext } from './workers';

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const context = workerData as ChunkContext;
  const kb = loadShippedKnowledgeBase(__dirname);
  const grammars = await loadGrammars();
  const parseCache: ParseCache = new Map();
  port.on('message', (chunk: SourceFile[]) => port.postMessage(checkChunk(context, chunk, kb, grammars, parseCache)));
  port.postMessage('ready');
}

void run();
