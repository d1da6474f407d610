import { declaredEnvironments, dependencyApplies, type InstalledDistribution, type InstalledEnvironment } from '../installed';
import { evaluateMarker, parseMarker } from '../markers';
import type { Requirement } from '../model';
import { normalizeName } from '../parsers/pep508';
import { satisfies } from '../versions';
import { defineRule } from './define';
import { exactVersion, pinSpan, pinText } from './support/pins';
import type { RuleContext } from './types';

/** Whether a declared requirement's marker holds in the installed environment (unknown: not judged). */
function appliesIn(requirement: Requirement, env: InstalledEnvironment): boolean {
  if (!requirement.marker) return true;
  const parsed = parseMarker(requirement.marker);
  return parsed.ok && evaluateMarker(parsed.marker, env.markers) === true;
}

function installedText(dist: InstalledDistribution): string {
  return `${dist.name} ${dist.version}`;
}

function check(context: RuleContext): void {
  const declared = declaredEnvironments(context.project);
  for (const env of context.project.installed) {
    const byName = new Map(env.distributions.map((d) => [d.normalizedName, d]));
    const missingReported = new Set<string>();
    const seen = new Set<Requirement>();
    for (const declaredEnv of declared) {
      for (const requirement of declaredEnv.requirements) {
        const name = requirement.normalizedName;
        if (seen.has(requirement) || !name || requirement.url !== null || !appliesIn(requirement, env)) continue;
        // Build requirements live in pip's isolated build environment, not in the installed one.
        if (requirement.origin.section === 'build-system.requires') continue;
        seen.add(requirement);
        const dist = byName.get(name);
        if (!dist) {
          // Declared in several files: one finding per environment, at the first declaration.
          if (missingReported.has(name)) continue;
          missingReported.add(name);
          context.report({
            message: `\`${pinText(context.project, requirement)}\` is declared but not installed in ${env.label}.`,
            file: requirement.file,
            span: pinSpan(context.project, requirement),
          });
          continue;
        }
        if (requirement.clauses.length > 0 && !satisfies(dist.version, requirement.clauses, { prereleases: true })) {
          context.report({
            message: `\`${pinText(context.project, requirement)}\` is not what ${env.label} has: ${installedText(dist)} is installed.`,
            file: requirement.file,
            span: pinSpan(context.project, requirement),
            related: [{ file: dist.file, span: dist.versionSpan, message: `installed: ${installedText(dist)}` }],
          });
          continue;
        }
        reportUnpinnedDependencies(context, env, declaredEnv.requirements, requirement, dist, byName);
      }
    }
  }
}

/**
 * A pin whose installed build is the same release brings that release's real Requires-Dist: a
 * dependency the project leaves unpinned but that is installed outside that range is drift too
 * (`diffusers==0.27.2` with no huggingface-hub pin, and a hub too new for it in the environment).
 */
function reportUnpinnedDependencies(
  context: RuleContext,
  env: InstalledEnvironment,
  siblings: readonly Requirement[],
  requirement: Requirement,
  dist: InstalledDistribution,
  byName: ReadonlyMap<string, InstalledDistribution>,
): void {
  const pinned = exactVersion(requirement);
  if (pinned === null || !satisfies(dist.version, `==${pinned}`)) return;
  for (const dep of dist.dependencies) {
    if (dep.requirement.clauses.length === 0 || dependencyApplies(dep, env) !== true) continue;
    const depName = normalizeName(dep.requirement.name);
    if (siblings.some((r) => r.normalizedName === depName && r.clauses.length > 0)) continue;
    const installed = byName.get(depName);
    if (!installed || satisfies(installed.version, dep.requirement.clauses, { prereleases: true })) continue;
    context.report({
      message: `\`${pinText(context.project, requirement)}\` requires \`${dep.requirement.name}${dep.requirement.specifier}\` (its metadata in ${env.label}), which this project does not pin, and ${env.label} has ${installedText(installed)}.`,
      file: requirement.file,
      span: pinSpan(context.project, requirement),
      related: [
        { file: dep.file, span: dep.span, message: `${dist.name} ${dist.version} requires ${dep.text}` },
        { file: installed.file, span: installed.versionSpan, message: `installed: ${installedText(installed)}` },
      ],
    });
  }
}

export const environmentDrift = defineRule(
  {
    id: 'environment-drift',
    defaultLevel: 'warning',
    summary: 'A declared pin that the installed environment (`--env`, a `.venv`) does not satisfy, or a declared package it lacks.',
    fixable: false,
    status: 'active',
    docs: `## What it does
Compares what the project's files declare with what an installed environment holds (\`pinwise check --env DIR\`,
or the \`.venv\` / \`venv\` at the project root). A pin the installed version does not satisfy is reported at the
pin, with the installed version; a package declared but not installed is reported once per environment, at its
first declaration. Where a pinned release is installed, its own \`Requires-Dist\` also judges the dependencies the
project leaves unpinned. Markers are evaluated for the environment's Python and platform.

## Why it matters
An environment drifts from its files with every manual \`pip install\`, a half-finished upgrade or a CPU wheel
pulled in by another package: the code then runs against versions nobody reviewed, and bugs reproduce on one
machine only (\`requirements.txt\` says \`torch==2.3.1+rocm5.7\`, the \`.venv\` has \`2.2.0+cpu\`).

## Example
\`\`\`text
# requirements.txt
torch==2.3.1+rocm5.7     # .venv: torch 2.2.0+cpu is installed
gradio==4.44.1           # declared but not installed in .venv
\`\`\`

## Fix
Reinstall from the files (\`pip install -r requirements.txt\`), or update the pin to what you mean to run.
Pinwise never installs anything itself.
`,
  },
  check,
);
