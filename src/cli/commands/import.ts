/**
 * `import`: reads the live users account and organization (through the read roles, as plan does)
 * and writes a file for each IAM user and account no file names yet. Writes only new files, never
 * over an existing one, and changes nothing in AWS (IAM's credential report is generated, which
 * creates no resource).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createAwsTarget } from '../../adapters/aws/target.ts';
import { parseCommandArgs } from '../args.ts';
import { createSandboxTarget } from '../../adapters/sandbox/sandbox-target.ts';
import { describeBaseline } from '../../render/plan-text.ts';
import { AppError } from '../../core/errors.ts';
import { planImport, type ImportOptions } from '../../core/import.ts';
import { hasErrors } from '../../core/problems.ts';
import { fsSource } from '../../config/fs-source.ts';
import { loadDesiredState } from '../../config/load.ts';
import { readLiveState } from '../../apply/read-live-state.ts';
import type { Target } from '../../ports/target.ts';
import { renderProblemsText } from '../../render/problems.ts';
import { renderImportedFile, renderImportSummary } from '../../render/import-files.ts';
import type { CliContext, Command } from '../context.ts';
import { sandboxDirOf } from '../paths.ts';

const HELP = `usage: npm run import -- [options]

Writes users/<email>.yaml and accounts/<name>.yaml for every IAM user and member account that no
file names yet, so an existing estate can be adopted (docs/migration.md). Never
overwrites a file and changes nothing in AWS. Prints what it wrote, what it did not and why, and
the stand-in values a person should check.

options:
  --target sandbox|aws   where to read (default sandbox; aws assumes the read roles, like plan)
  --only users|accounts  import only users, or only accounts
  --filter <text>        only names containing this text (ignoring case)
  --dry-run              write nothing; print the summary only
  --stale-days <n>       list, not write, users whose console password was last used (or, never used,
                         set) more than n days ago (default 90)
  --contact <email>      team contact and requester of accounts whose tags do not say
                         (default: settings.yaml email.support_mailbox)
  --sandbox-dir <dir>    sandbox state folder (default .sandbox at the repository root; absolute, or relative to the current folder)
`;

const OPTIONS = {
  target: { type: 'string' },
  only: { type: 'string' },
  filter: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'stale-days': { type: 'string' },
  contact: { type: 'string' },
  'sandbox-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usageError(message: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: HELP.split('\n')[0] ?? '' });
}

export const importEstate: Command = async (ctx: CliContext) => {
  const values = parseCommandArgs(ctx, OPTIONS, HELP).values;
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  const kind = values.target ?? 'sandbox';
  if (kind !== 'sandbox' && kind !== 'aws') throw usageError(`--target must be sandbox or aws, not "${kind}"`);
  if (values.only !== undefined && values.only !== 'users' && values.only !== 'accounts') {
    throw usageError(`--only must be users or accounts, not "${values.only}"`);
  }
  const staleDays = values['stale-days'] === undefined ? 90 : Number(values['stale-days']);
  if (!Number.isInteger(staleDays) || staleDays < 1) throw usageError('--stale-days must be a whole number of days, at least 1');

  // The existing files decide what is new, so they must be valid first.
  const { desired, problems } = await loadDesiredState(fsSource(ctx.cwd), { today: ctx.today });
  if (problems.length > 0) ctx.stderr.write(renderProblemsText(problems, { color: false }));
  if (!desired || hasErrors(problems)) {
    ctx.stderr.write('The files are not valid: nothing was read or written. Fix the errors above (npm run validate) and import again.\n');
    return 1;
  }
  const settings = desired.settings;
  const contact = (values.contact ?? settings.email.support_mailbox).toLowerCase();
  const options: ImportOptions = {
    today: ctx.today,
    staleDays,
    contact,
    ...(values.only === undefined ? {} : { only: values.only }),
    ...(values.filter === undefined ? {} : { filter: values.filter }),
  };

  const target: Target =
    kind === 'aws'
      ? createAwsTarget(settings, ctx.env, { access: 'read' })
      : createSandboxTarget({ dir: sandboxDirOf(ctx, values['sandbox-dir']), settings });
  const [live, credentials] = await Promise.all([
    readLiveState(target, settings),
    options.only === 'accounts' ? Promise.resolve([]) : target.usersAccount.readCredentialReport(),
  ]);
  const accounts = [...desired.accounts.values()];
  const result = planImport({
    settings,
    live,
    credentials,
    existing: {
      users: new Set([...desired.users.keys()].map((name) => name.toLowerCase())),
      accountNames: new Set(accounts.map((a) => a.name)),
      accountIds: new Set(accounts.flatMap((a) => (a.data.id === undefined ? [] : [a.data.id]))),
      accountEmails: new Set(accounts.map((a) => a.rootEmail.toLowerCase())),
    },
    options,
  });

  if (values['dry-run'] !== true) {
    for (const file of [...result.users, ...result.accounts]) {
      const path = join(ctx.cwd, file.path);
      await mkdir(dirname(path), { recursive: true });
      try {
        // `wx`: never over a file someone wrote between loading and now.
        await writeFile(path, renderImportedFile(file), { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        ctx.stderr.write(`${file.path} exists already: left as it is.\n`);
      }
    }
  }
  ctx.stdout.write(renderImportSummary(result, { dryRun: values['dry-run'] === true, source: describeBaseline(target.baseline) }));
  return 0;
};
