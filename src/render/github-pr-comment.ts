/**
 * The sticky plan comment: the plan's own Markdown (from `plan --format markdown`, which says what
 * merging does and what it was compared with), with a line under its title saying which commit it
 * is for, when, and which workflow run made it, so a reviewer can tell a stale comment from a fresh
 * one and find the full log.
 */
import { code, shortSha } from './github-markdown.ts';

export interface PlanCommentContext {
  /** The pull request's head commit. */
  sha?: string;
  runUrl?: string;
  /** YYYY-MM-DD, the day the plan was made. */
  date?: string;
}

/** `Plan for commit `abc1234` on 2026-11-30 · [workflow run](…) · updated in place on every push`. */
export function planProvenance(context: PlanCommentContext): string {
  const made = [context.sha ? `Plan for commit ${code(shortSha(context.sha))}` : 'Plan', ...(context.date ? [`on ${context.date}`] : [])].join(' ');
  const parts = [made];
  if (context.runUrl) parts.push(`[workflow run](${context.runUrl})`);
  parts.push('updated in place on every push');
  return `<sub>${parts.join(' · ')}</sub>`;
}

export function renderPlanComment(planMarkdown: string, context: PlanCommentContext = {}): string {
  const lines = planMarkdown.trimEnd().split('\n');
  // Under the title when there is one, so it is read before the changes.
  const at = lines[0]?.startsWith('#') ? 1 : 0;
  lines.splice(at, 0, ...(at === 1 ? ['', planProvenance(context)] : [planProvenance(context), '']));
  return `${lines.join('\n')}\n`;
}
