import type { KnowledgeBase } from '../kb/types';
import type { Requirement } from '../model';
import type { Project } from '../project';

/** Hover text for one requirement (Markdown), or null when the provider has nothing to say. */
export type HoverProvider = (requirement: Requirement, context: { project: Project; kb: KnowledgeBase }) => string | null;
