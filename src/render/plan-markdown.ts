/**
 * The plan as GitHub Markdown, for the sticky PR comment and the step summary: a title, the
 * baseline, what merging does, the totals and a table of counts, validation warnings, then
 * destructive changes under a caution callout, changes that grant access under a warning, changes
 * that remove access under their own heading, routine changes folded away (plan-sections.ts).
 * GitHub refuses comments over 65,536 characters, so the output is cut to `maxLength`, dropping the
 * least dangerous changes first, and says how many were left out and where to see them all.
 */
import { KIND_ORDER } from '../core/plan.ts';
import { summarizeChange } from './change-summary.ts';
import { assertNever, type Plan } from '../core/changes.ts';
import { code } from './github-markdown.ts';
import type { Problem } from '../core/problems.ts';
import { planSections, SECTION_TITLES, type PlanSectionId } from './plan-sections.ts';
import { changeDetails, changeParts, changeSymbol, describeBaseline, planTotalsLine } from './plan-text.ts';

export interface MarkdownOptions {
  /** Upper bound on the output's length in characters (UTF-16 code units). Default 65,000. */
  maxLength?: number;
  /** Validation warnings about the files (an expired contractor, say): shown before the changes. */
  warnings?: readonly Problem[];
}

export const DEFAULT_MAX_MARKDOWN_LENGTH = 65_000;

/**
 * Escapes text (notes, warnings) so it renders literally, mentions nobody and links nowhere. Every
 * `@` is followed by a zero-width space: GitHub mentions `@team` after any punctuation (`-@team`,
 * `.@team`, `+@team`), and links an email. Bare URLs (`https://`, `www.`) and issue references
 * (`#12`) are broken the same way, so a file cannot put a link in the comment.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>|~#!]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b')
    .replace(/:\/\//g, ':\u200b//')
    .replace(/\b(www)\./gi, '$1\u200b.')
    .replace(/#(?=\d)/g, '#\u200b');
}

/**
 * Text taken from the files (names, emails, tag values, OU paths, policy ARNs) as a code span:
 * GitHub renders it literally, with no Markdown, mention or link (used in lists, not in tables).
 */
function literal(text: string): string {
  return code(text);
}

const CALLOUTS: Readonly<Record<PlanSectionId, string | undefined>> = {
  destructive: '> [!CAUTION]\n> These remove something that cannot simply be put back: review them first.',
  'grants-access': '> [!WARNING]\n> These grant, widen or change access: check who gets what.',
  'removes-access': '> [!IMPORTANT]\n> These take access away: check that nobody still needs it.',
  routine: undefined,
};

/** `3 destructive changes`, `1 change that removes access`. */
function countSection(section: PlanSectionId, count: number): string {
  const changes = `change${count === 1 ? '' : 's'}`;
  const does = (one: string, many: string): string => (count === 1 ? one : many);
  switch (section) {
    case 'destructive':
      return `${count} destructive ${changes}`;
    case 'grants-access':
      return `${count} ${changes} that ${does('grants or changes', 'grant or change')} access`;
    case 'removes-access':
      return `${count} ${changes} that ${does('removes', 'remove')} access`;
    case 'routine':
      return `${count} routine ${changes}`;
    default:
      return assertNever(section);
  }
}

/** Sections open by default: danger is never folded away; long access lists are. */
function isOpen(section: PlanSectionId, count: number): boolean {
  return section === 'destructive' || (section !== 'routine' && count <= 50);
}

/**
 * What merging does, and what a plan against files cannot see. A sandbox plan is local: no line.
 */
function mergeLines(plan: Plan): string[] {
  const baseline = plan.baseline;
  switch (baseline.kind) {
    case 'aws':
      return ['**Merging applies this to AWS:** after the merge, the apply workflow on the default branch makes these changes.'];
    case 'git':
      return [
        '**Merging applies this to AWS:** after the merge, the apply workflow on the default branch makes AWS match the files.',
        '',
        '> [!NOTE]',
        `> Live drift is not visible: this plan compares the files with the files at ${escapeMarkdown(baseline.ref)}, not with AWS. Anything changed by hand in AWS since the last apply is not shown here, and the apply after the merge reverts it.`,
      ];
    case 'sandbox':
      return [];
    default:
      return assertNever(baseline);
  }
}

function kindLabel(kind: string): string {
  return kind.replaceAll('-', ' ');
}

/** The plan as Markdown, at most `maxLength` characters. */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_MARKDOWN_LENGTH;
  // The GitHub adapter adds the hidden marker that finds this comment again; the body carries none.
  const baseline = plan.baseline;
  const head: string[] =
    baseline.kind === 'git'
      ? [
          '## AWS access plan: what this pull request changes',
          '',
          `Compares the files in this pull request with the files at **${escapeMarkdown(baseline.ref)}**; AWS is not read.`,
        ]
      : ['## AWS access plan', '', `Compared against: **${escapeMarkdown(describeBaseline(baseline))}**`];
  const merge = mergeLines(plan);
  if (merge.length > 0) head.push('', ...merge);
  head.push('', `**${planTotalsLine(plan)}**`);
  if (plan.changes.length > 0) {
    head.push('', '| Change | Count |', '| --- | ---: |');
    for (const kind of KIND_ORDER) {
      const count = plan.changes.filter((c) => c.change.kind === kind).length;
      if (count > 0) head.push(`| ${kindLabel(kind)} | ${count} |`);
    }
  }

  // What goes in, in order of importance; each block is added only while it fits.
  const out: string[] = [head.join('\n')];
  let length = (out[0] ?? '').length + 1;
  // Room kept for the "left out" note at the end.
  const budget = Math.max(0, maxLength - 600);
  const add = (text: string): void => {
    out.push(text);
    length += text.length + 1;
  };

  /**
   * Adds a folded list: heading, optional callout, then items while they fit under `limit`
   * (always leaving room for the closing tag). Returns how many items were left out.
   */
  const addList = (list: { heading: string; callout?: string; summary: string; open: boolean; items: string[] }, limit: number): number => {
    const opening = [
      '',
      `### ${list.heading}`,
      ...(list.callout === undefined ? [] : ['', list.callout]),
      '',
      `<details${list.open ? ' open' : ''}><summary>${list.summary}</summary>`,
      '',
    ].join('\n');
    const closing = '\n</details>';
    let shown = 0;
    for (const item of list.items) {
      const needed = (shown === 0 ? opening.length + 1 : 0) + item.length + 1 + closing.length + 1;
      if (length + needed > limit) break;
      if (shown === 0) add(opening);
      add(item);
      shown += 1;
    }
    if (shown > 0) add(closing);
    return list.items.length - shown;
  };

  let omittedOther = 0;
  const warnings = options.warnings ?? [];
  // Validation warnings first (an expired contractor): the reviewer decides on them. A tenth of the space.
  if (warnings.length > 0) {
    omittedOther += addList(
      {
        heading: `Validation warnings (${warnings.length})`,
        summary: `${warnings.length} warning${warnings.length === 1 ? '' : 's'} about the files: valid, but worth a look`,
        open: true,
        items: warnings.map((w) => `- ${literal(`${w.file}:${w.line}:${w.col}`)} ${escapeMarkdown(w.message)} (${escapeMarkdown(w.rule)})`),
      },
      Math.min(budget, length + Math.floor(budget / 10)),
    );
  }
  // Then notes: they carry the blast-radius warnings. They may use a fifth of the space.
  if (plan.notes.length > 0) {
    omittedOther += addList(
      { heading: 'Notes', summary: `${plan.notes.length} note${plan.notes.length === 1 ? '' : 's'}`, open: true, items: plan.notes.map((note) => `- ${escapeMarkdown(note)}`) },
      Math.min(budget, length + Math.floor(budget / 5)),
    );
  }

  let omittedChanges = 0;
  for (const [section, changes] of planSections(plan)) {
    if (changes.length === 0) continue;
    if (omittedChanges > 0) {
      // Once a change is left out, every less important one is too: what is shown is a prefix.
      omittedChanges += changes.length;
      continue;
    }
    const callout = CALLOUTS[section];
    // Summaries and details carry what the files say (names, tag values, paths): each is a code span.
    const items = changes.map(({ change }) =>
      [
        `- \`${changeSymbol(change)}\` ${literal(summarizeChange(change))}`,
        ...changeParts(change).map((part) => `  - \`${part.symbol}\` ${literal(part.summary)}`),
        ...changeDetails(change).map((detail) => `  - ${literal(detail)}`),
      ].join('\n'),
    );
    omittedChanges += addList(
      {
        heading: `${SECTION_TITLES[section]} (${changes.length})`,
        ...(callout === undefined ? {} : { callout }),
        summary: countSection(section, changes.length),
        open: isOpen(section, changes.length),
        items,
      },
      budget,
    );
  }

  if (plan.unmanagedUsers.length > 0) {
    omittedOther += addList(
      {
        heading: 'Unmanaged users',
        summary: `${plan.unmanagedUsers.length} IAM user${plan.unmanagedUsers.length === 1 ? '' : 's'} without the managed-by tag: listed only, never changed`,
        open: false,
        items: plan.unmanagedUsers.map((user) => `- ${literal(user)}`),
      },
      budget,
    );
  }

  if (omittedChanges > 0 || omittedOther > 0) {
    const parts: string[] = [];
    if (omittedChanges > 0) parts.push(`${omittedChanges} change${omittedChanges === 1 ? ' was' : 's were'} left out`);
    if (omittedOther > 0) parts.push(`${omittedOther} note${omittedOther === 1 ? '' : 's'} or user names were left out`);
    out.push(
      '',
      '> [!NOTE]',
      `> ${parts.join('; ')} to fit GitHub's comment limit (the least dangerous go first). The full plan is in this workflow run's step summary, or run \`npm run plan\` locally.`,
    );
  }
  const text = `${out.join('\n')}\n`;
  // The reserve covers the note above; a maxLength smaller than the header itself is cut hard.
  return text.length <= maxLength ? text : text.slice(0, maxLength);
}
