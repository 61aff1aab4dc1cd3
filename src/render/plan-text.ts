/**
 * The plan as terminal text: what it was compared against, destructive changes first under a
 * banner, then changes that grant access, then those that remove it, then routine ones (see
 * plan-sections.ts); unmanaged users; notes; a one-line total. Also the helpers the Markdown
 * renderer shares (baseline wording, per-change detail lines, totals).
 */
import { assertNever, type Change, type Plan } from '../core/changes.ts';
import { actionOf, impactOf, partsOf } from '../core/change-kinds.ts';
import type { Baseline } from '../core/model.ts';
import { changeDetails, summarizeChange } from './change-summary.ts';
import { createPalette, type Palette } from './color.ts';
import { planSections, SECTION_TITLES } from './plan-sections.ts';

const as = (arn: string | undefined): string => (arn === undefined ? '' : ` as ${arn}`);

/** What the plan was compared against, in words. */
export function describeBaseline(baseline: Baseline): string {
  switch (baseline.kind) {
    case 'sandbox':
      return `local sandbox (${baseline.path})`;
    case 'aws':
      // The ids and principals STS confirmed before the first read, not merely what settings say.
      return `AWS (users account ${baseline.usersAccountId}${as(baseline.usersPrincipalArn)}, management account ${baseline.managementAccountId}${as(baseline.managementPrincipalArn)})`;
    case 'git':
      // Files compared with files: what a pull request changes, not what AWS holds.
      return `the files at git ref ${baseline.ref} (what this pull request changes; AWS is not read)`;
    default:
      return assertNever(baseline);
  }
}

/** `+` creates, `-` deletes or closes, `~` changes. */
export function changeSymbol(change: Change): '+' | '-' | '~' {
  const action = actionOf(change);
  return action === 'create' ? '+' : action === 'delete' ? '-' : '~';
}

export { changeDetails };

/** The changes a change is made of (a new account's roles), each as its own summary line with its symbol and rank. */
export function changeParts(change: Change): { symbol: '+' | '-' | '~'; summary: string; impact: ReturnType<typeof impactOf> }[] {
  return partsOf(change).map((part) => ({ symbol: changeSymbol(part), summary: summarizeChange(part), impact: impactOf(part) }));
}

export interface PlanTotals {
  create: number;
  change: number;
  delete: number;
}

export function countPlan(plan: Plan): PlanTotals {
  const totals: PlanTotals = { create: 0, change: 0, delete: 0 };
  for (const { change } of plan.changes) totals[actionOf(change)] += 1;
  return totals;
}

export const NO_CHANGES = 'No changes. The target matches the files.';

/** The no-changes sentence; a git baseline is files, not a target. */
export function noChangesLine(baseline: Baseline): string {
  return baseline.kind === 'git' ? `No changes: the files are the same as at ${baseline.ref}.` : NO_CHANGES;
}

/** `Plan: 1 to create, 2 to change, 0 to delete/close.`, or the no-changes sentence. */
export function planTotalsLine(plan: Plan): string {
  if (plan.changes.length === 0) return noChangesLine(plan.baseline);
  const totals = countPlan(plan);
  return `Plan: ${totals.create} to create, ${totals.change} to change, ${totals.delete} to delete/close.`;
}

function paintSymbol(palette: Palette, symbol: '+' | '-' | '~'): string {
  return symbol === '+' ? palette.green(symbol) : symbol === '-' ? palette.red(symbol) : palette.yellow(symbol);
}

export interface TextOptions {
  /** ANSI colours; the CLI decides (a terminal, and NO_COLOR not set). */
  color: boolean;
}

/** The plan for a terminal or a log. Ends with a newline. */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  const p = createPalette(options.color);
  const lines: string[] = [`Compared against: ${describeBaseline(plan.baseline)}`];

  for (const [section, changes] of planSections(plan)) {
    if (changes.length === 0) continue;
    const title = `${SECTION_TITLES[section]} (${changes.length})`;
    lines.push('', section === 'destructive' ? p.bold(p.red(title)) : section === 'routine' ? p.bold(title) : p.bold(p.yellow(title)));
    if (section === 'destructive') lines.push(p.red('  These cannot simply be undone. Review them first.'));
    if (section === 'removes-access') lines.push(p.yellow('  These take access away: check that nobody still needs it.'));
    for (const { change } of changes) {
      lines.push(`  ${paintSymbol(p, changeSymbol(change))} ${summarizeChange(change)}`);
      for (const part of changeParts(change)) lines.push(`      ${paintSymbol(p, part.symbol)} ${part.summary}`);
      for (const detail of changeDetails(change)) lines.push(p.dim(`      ${detail}`));
    }
  }

  if (plan.unmanagedUsers.length > 0) {
    lines.push('', p.bold(`Unmanaged users (${plan.unmanagedUsers.length}): listed only, never changed`));
    for (const user of plan.unmanagedUsers) lines.push(`  ${user}`);
  }
  if (plan.notes.length > 0) {
    lines.push('', p.bold('Notes'));
    for (const note of plan.notes) lines.push(`  • ${note}`);
  }
  lines.push('', p.bold(planTotalsLine(plan)));
  return `${lines.join('\n')}\n`;
}
