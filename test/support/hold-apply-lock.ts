/**
 * A real process that takes the apply lock the way `apply` does and then holds it until it is
 * killed: `tsx test/support/hold-apply-lock.ts <repo> sandbox|aws`, or `node` on its bundle
 * (compiled-cli.ts). Prints `held <lock id>` once it holds the lock. For
 * test/cli/apply-lock-processes.test.ts.
 */
import { lockStoreFor, takeApplyLock } from '../../src/cli/commands/lock.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { fsSource } from '../../src/config/fs-source.ts';
import { loadDesiredState } from '../../src/config/load.ts';

const [repo = '.', kind = 'sandbox'] = process.argv.slice(2);
const ctx: CliContext = {
  args: [],
  cwd: repo,
  env: process.env,
  stdout: { write: (t) => void process.stdout.write(t), isTTY: false },
  stderr: { write: (t) => void process.stderr.write(t), isTTY: false },
  today: new Date().toISOString().slice(0, 10),
};
const { desired } = await loadDesiredState(fsSource(repo), { today: ctx.today });
if (desired === undefined) throw new Error(`the files in ${repo} are not valid`);
const lock = await takeApplyLock(lockStoreFor(kind === 'aws' ? 'aws' : 'sandbox', desired.settings, ctx, undefined), ctx);
process.stdout.write(`held ${lock.record.id}\n`);
setInterval(() => undefined, 60_000);
