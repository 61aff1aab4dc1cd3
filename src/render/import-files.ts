/**
 * What `import` writes and prints: each imported file as tidy, commented YAML (the yaml package's
 * Document API, so values are quoted only where YAML would misread them, e.g. a 12-digit id), and
 * the summary a person reads before opening the pull request.
 */
import { Document, isNode } from 'yaml';
import type { ImportedFile, ImportResult } from '../core/import.ts';

/** The file's text: schema line, header comments, then the fields with their comments. */
export function renderImportedFile(file: ImportedFile<object>): string {
  const doc = new Document(file.data);
  doc.commentBefore = [` yaml-language-server: $schema=../schema/${file.schema}`, ...file.header.map((line) => ` ${line}`)].join('\n');
  for (const [path, comment] of Object.entries(file.comments)) {
    const node = doc.getIn(path.split('.'), true);
    if (isNode(node)) node.comment = ` ${comment}`;
  }
  return doc.toString({ lineWidth: 0 });
}

const LISTED_PER_FIELD = 5;

/** The summary: counts, what was not written and why, and the stand-in values to check. */
export function renderImportSummary(result: ImportResult, options: { dryRun: boolean; source: string }): string {
  const verb = options.dryRun ? 'would write' : 'wrote';
  const lines: string[] = [`Imported from ${options.source}${options.dryRun ? ' (dry run: no file written)' : ''}`, ''];
  const skippedUsers = result.skipped.filter((s) => s.kind === 'user');
  const skippedAccounts = result.skipped.filter((s) => s.kind === 'account');
  lines.push(
    `Users:    ${result.seen.users} seen; ${verb} ${result.users.length} files (${result.adoptions} to adopt), ${result.alreadyFiled.users} already have a file, ${skippedUsers.length} not written (below).`,
    `Accounts: ${result.seen.accounts} seen; ${verb} ${result.accounts.length} files (all to adopt), ${result.alreadyFiled.accounts} already have a file, ${skippedAccounts.length} not written (below).`,
  );
  if (result.adoptions > result.adoptionLimit) {
    lines.push(
      '',
      `Adopting ${result.adoptions} users needs limits.max_adoptions_per_run of at least ${result.adoptions} in settings.yaml (now ${result.adoptionLimit}):`,
      'raise it in the same pull request as these files, or open several pull requests.',
    );
  }
  if (result.skipped.length > 0) {
    lines.push('', 'Not written, for a person to decide:');
    for (const s of result.skipped) lines.push(`  ${s.kind} ${s.name}: ${s.reason}`);
  }
  if (result.toComplete.length > 0) {
    lines.push('', 'Stand-in values to check (each marked "# imported:" in its file):');
    const byField = new Map<string, { why: string; paths: string[] }>();
    for (const item of result.toComplete) {
      const kind = item.path.startsWith('users/') ? 'users' : 'accounts';
      const key = `${kind} ${item.field}`;
      const entry = byField.get(key) ?? { why: item.why, paths: [] };
      entry.paths.push(item.path);
      byField.set(key, entry);
    }
    for (const [key, { why, paths }] of [...byField.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const shown = paths.slice(0, LISTED_PER_FIELD).join(', ');
      const more = paths.length > LISTED_PER_FIELD ? ` and ${paths.length - LISTED_PER_FIELD} more` : '';
      lines.push(`  ${key} (${why}) in ${paths.length} file${paths.length === 1 ? '' : 's'}: ${shown}${more}`);
    }
  }
  lines.push('', 'Next: npm run validate, then npm run plan -- --target aws, then one pull request with the files (docs/migration.md).');
  return `${lines.join('\n')}\n`;
}
