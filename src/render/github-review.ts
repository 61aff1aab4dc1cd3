/**
 * The Access review issue: the review's findings, kept in one issue by the scheduled review,
 * updated on every run and closed when nothing is left. Like the drift issue, it reports; a
 * person acts.
 */
import type { AccessReview } from '../core/access-review.ts';
import { checkedBy } from './github-markdown.ts';
import { renderReviewMarkdown } from './review-markdown.ts';

export const REVIEW_ISSUE_TITLE = 'Access review';

export interface ReviewIssueContext {
  /** YYYY-MM-DD. */
  date: string;
  runUrl?: string;
}

const CHECK = 'the scheduled access review';

export function renderReviewIssue(review: AccessReview, context: ReviewIssueContext): string {
  return [
    `${checkedBy(context, CHECK)} Nothing was changed. This issue is updated by every review and closed when nothing is left to review.`,
    '',
    renderReviewMarkdown(review),
  ].join('\n');
}

export function renderReviewResolved(context: ReviewIssueContext): string {
  return `Nothing left to review. ${checkedBy(context, CHECK)} Closing.\n`;
}
