/**
 * Markdown building blocks for text GitHub renders (PR comments, issues, step summaries). Names and
 * summaries come from files anyone can propose in a pull request, so they are always shown as code:
 * no Markdown or HTML injection, no accidental @-mentions or #-links.
 */

/** `text` as one inline code span, on one line, whatever backticks it contains. */
export function code(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/**
 * A table cell. GitHub splits table rows on `|` even inside code spans, so pipes are escaped
 * (GFM renders `\|` in a code span inside a table as `|`).
 */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}

/** Link to the current workflow run, from the variables GitHub Actions sets. */
export function runUrlFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const server = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  const runId = env['GITHUB_RUN_ID'];
  if (!server || !repository || !runId) return undefined;
  return `${server}/${repository}/actions/runs/${runId}`;
}

/** First 7 characters of a commit, as GitHub shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `Last checked on 2026-11-28 by [the scheduled drift check](run).`: how a kept-up-to-date issue says where it came from. */
export function checkedBy(context: { date: string; runUrl?: string }, check: string): string {
  return `Last checked on ${context.date} by ${context.runUrl ? `[${check}](${context.runUrl})` : check}.`;
}
