/**
 * `report`: the access review. Loads and validates the files, reads the target as plan does (the
 * sandbox unless --target aws; on AWS through the read roles only) and IAM's credential report (one
 * report for the whole users account), then prints the findings. Changes nothing.
 */
import { checkGitHistory, describeMissingHistory, readGitHistory } from '../../config/git-history.ts';
import { ACCOUNTS_DIRECTORY, findLastApprovals, USERS_DIRECTORY, type ApprovalRecord } from '../../core/access-history.ts';
import { reviewAccess, type AccessReview } from '../../core/access-review.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { readLiveState } from '../../apply/read-live-state.ts';
import { isColorWanted } from '../../render/color.ts';
import { renderReviewJson } from '../../render/review-json.ts';
import { renderReviewMarkdown } from '../../render/review-markdown.ts';
import { renderReviewText } from '../../render/review-text.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliContext, Command } from '../context.ts';
import { checkOutputFile, userPath, writeOutputFile } from '../paths.ts';
import { loadValidated, makeTarget } from './plan.ts';

const HELP = `usage: npm run report -- [options]

The access review: users without MFA, console passwords and access keys unused (or never used),
old access keys, expired and soon-expiring users, bootstrap roles left in place, unmanaged users.
Built from IAM's credential report and the same reads as plan; changes nothing. Thresholds are
settings.yaml's access_review. Who needs their access approved again (recertify_after_days) comes
from git history: run it in a clone with full history (git fetch --unshallow), or that check is
skipped with a note.

options:
  --target sandbox|aws   what to review (default sandbox: .sandbox/ in this repository; aws assumes
                         settings.yaml's read roles, as plan does)
  --format text|markdown|json
                         text (default; coloured on a terminal unless NO_COLOR), markdown (issue,
                         step summary), json (version 1, its shape in src/render/review-json.ts)
  --json                 the same as --format json
  --out <file>           also write the rendered review to this file
  --fail-on-findings     exit 2 when there is any finding (default: exit 0 with findings; 1 is an error)
  --sandbox-dir <dir>    sandbox state folder (default .sandbox at the repository root; absolute, or relative to the current folder)
`;

const OPTIONS = {
  target: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'fail-on-findings': { type: 'boolean' },
  'sandbox-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usageError(message: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: HELP.split('\n')[0] ?? '' });
}

/**
 * The last approval of each person's access, from the clone's history; why it is unknown when the
 * folder is not a git repository or the clone is shallow (the review goes on without that check).
 */
async function readApprovals(cwd: string): Promise<ApprovalRecord> {
  const state = await checkGitHistory(cwd);
  if (state.kind !== 'full') return { kind: 'unknown', reason: describeMissingHistory(state) };
  try {
    // Any change to a user file approves, whatever it holds: only the account files are read.
    const history = await readGitHistory(cwd, [USERS_DIRECTORY, ACCOUNTS_DIRECTORY], (path) => path.startsWith(ACCOUNTS_DIRECTORY));
    return { kind: 'known', lastApproved: findLastApprovals(history) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { kind: 'unknown', reason: `the git history could not be read (${error.message})` };
  }
}

function render(review: AccessReview, format: string, ctx: CliContext): string {
  switch (format) {
    case 'text':
      return renderReviewText(review, { color: isColorWanted(ctx.stdout, ctx.env) });
    case 'markdown':
      return renderReviewMarkdown(review);
    case 'json':
      return renderReviewJson(review);
    default:
      throw usageError(`--format must be text, markdown or json, not "${format}"`);
  }
}

export const report: Command = async (ctx) => {
  const values = parseCommandArgs(ctx, OPTIONS, HELP).values;
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  const target = values.target ?? 'sandbox';
  if (target !== 'sandbox' && target !== 'aws') throw usageError(`--target must be sandbox or aws, not "${target}"`);
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (!['text', 'markdown', 'json'].includes(format)) throw usageError(`--format must be text, markdown or json, not "${format}"`);

  const out = values.out === undefined ? undefined : userPath(ctx, values.out);
  if (out !== undefined) await checkOutputFile('--out', out);
  const loaded = await loadValidated(ctx);
  if (!loaded) return 1;
  const { desired } = loaded;
  const reading = await makeTarget(target, desired, ctx, values['sandbox-dir'], 'read');
  const [live, credentials, approvals] = await Promise.all([
    readLiveState(reading, desired.settings),
    reading.usersAccount.readCredentialReport(),
    readApprovals(ctx.cwd),
  ]);
  const review = reviewAccess({ desired, live, credentials, today: ctx.today, approvals });
  const rendered = render(review, format, ctx);
  ctx.stdout.write(rendered);
  if (out !== undefined) await writeOutputFile('--out', out, rendered);
  return values['fail-on-findings'] === true && review.findings.length > 0 ? 2 : 0;
};
