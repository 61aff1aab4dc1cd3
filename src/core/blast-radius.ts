/**
 * How much one run removes: counted once, here, for both the plan's warning and apply's refusal,
 * so a plan that apply will refuse always says so.
 */
import { countsOf } from './change-kinds.ts';
import type { Change } from './changes.ts';
import type { SettingsFile } from './model.ts';

export interface BlastRadius {
  /** IAM users and roles deleted (a deleted role takes access away from everyone it trusted). */
  deletions: number;
  /** Accounts closed. */
  closures: number;
}

export function measureBlastRadius(changes: readonly Change[]): BlastRadius {
  let deletions = 0;
  let closures = 0;
  for (const change of changes) {
    const counts = countsOf(change);
    if (counts === 'deletion') deletions += 1;
    if (counts === 'closure') closures += 1;
  }
  return { deletions, closures };
}

/**
 * The limits a plan goes over (settings.limits), each as a sentence ending in what apply does;
 * empty when it stays within them.
 */
export function limitsExceeded(radius: BlastRadius, limits: SettingsFile['limits']): string[] {
  const out: string[] = [];
  if (radius.deletions > limits.max_deletions_per_run) {
    out.push(
      `This plan deletes ${radius.deletions} users and roles, more than settings.yaml allows in one run (limits.max_deletions_per_run: ${limits.max_deletions_per_run}): apply refuses unless run with --allow-mass-deletion.`,
    );
  }
  if (radius.closures > limits.max_closures_per_run) {
    out.push(
      `This plan closes ${radius.closures} accounts, more than settings.yaml allows in one run (limits.max_closures_per_run: ${limits.max_closures_per_run}): apply refuses unless run with --allow-mass-deletion.`,
    );
  }
  return out;
}
