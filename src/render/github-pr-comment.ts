/**
 * The sticky plan comment: the plan's own Markdown (from `plan --format markdown`) and a footer that
 * says which commit it is for, so a reviewer can tell a stale comment from a fresh one.
 */
import { code, shortSha } from './github-markdown.ts';

export interface PlanCommentContext {
  /** The pull request's head commit. */
  sha?: string;
  runUrl?: string;
}

export function renderPlanComment(planMarkdown: string, context: PlanCommentContext = {}): string {
  const parts = ['Updated in place on every push'];
  if (context.sha) parts.unshift(`Plan for ${code(shortSha(context.sha))}`);
  if (context.runUrl) parts.push(`[run](${context.runUrl})`);
  return `${planMarkdown.trimEnd()}\n\n---\n<sub>${parts.join(' · ')}</sub>\n`;
}
