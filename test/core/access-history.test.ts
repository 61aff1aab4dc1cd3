/**
 * The history core on commits written by hand: pull request numbers from GitHub's messages, who may
 * assume what in an account file (closed accounts and removed bootstrap roles give nothing), the
 * approvers at merge time, and the last approval of each person for the access review.
 */
import { describe, expect, it } from 'vitest';
import {
  approversAtMerge,
  buildUserHistory,
  findLastApprovals,
  pullRequestOf,
  type FileChange,
  type GitHistory,
  type HistoryCommit,
  type PullRequestReview,
} from '../../src/core/access-history.ts';

const ADA = 'ada@example.gov.uk';

function aCommit(sha: string, committedAt: string, subject: string, files: FileChange[]): HistoryCommit {
  return { sha, committedAt, subject, body: '', files };
}

const version = (data: unknown) => ({ data });
const anAccount = (extra: Record<string, unknown>) => version({ name: 'team', requested_by: 'lead@example.gov.uk', state: 'active', ...extra });

describe('pullRequestOf', () => {
  it.each([
    ['Merge pull request #123 from example-org/add-ada', 123],
    ['Add Ada Lovelace (#45)', 45],
    ['Fix #12 in the docs (#46)', 46],
    ['Add Ada Lovelace', undefined],
    ['Merge branch main into add-ada', undefined],
    ['See #12', undefined],
  ])('%s: %s', (subject, expected) => {
    expect(pullRequestOf(subject)).toBe(expected);
  });
});

describe('approversAtMerge', () => {
  const review = (reviewer: string, state: PullRequestReview['state'], submittedAt: string | undefined): PullRequestReview => ({ reviewer, state, submittedAt });
  const MERGED = '2026-03-03T10:00:00Z';

  it.each<[string, PullRequestReview[], string[]]>([
    ['an approval', [review('alice', 'APPROVED', '2026-03-03T09:00:00Z')], ['alice']],
    ['an approval then a request for changes', [review('alice', 'APPROVED', '2026-03-02T09:00:00Z'), review('alice', 'CHANGES_REQUESTED', '2026-03-03T09:00:00Z')], []],
    ['a request for changes then an approval', [review('bob', 'CHANGES_REQUESTED', '2026-03-02T09:00:00Z'), review('bob', 'APPROVED', '2026-03-03T09:00:00Z')], ['bob']],
    ['an approval then a comment', [review('bob', 'APPROVED', '2026-03-02T09:00:00Z'), review('bob', 'COMMENTED', '2026-03-03T09:00:00Z')], ['bob']],
    ['a dismissed approval', [review('erin', 'DISMISSED', '2026-03-02T09:00:00Z')], []],
    ['an approval after the merge', [review('carol', 'APPROVED', '2026-03-03T10:00:01Z')], []],
    ['an approval at the second of the merge', [review('carol', 'APPROVED', MERGED)], ['carol']],
    ['a pending review', [review('dave', 'PENDING', undefined)], []],
    ['two approvers, sorted', [review('zoe', 'APPROVED', '2026-03-01T09:00:00Z'), review('alice', 'APPROVED', '2026-03-02T09:00:00Z')], ['alice', 'zoe']],
  ])('%s', (_name, reviews, expected) => {
    expect(approversAtMerge(reviews, MERGED)).toEqual(expected);
  });
});

describe('buildUserHistory and findLastApprovals', () => {
  const history: GitHistory = {
    shallow: false,
    commits: [
      aCommit('a1', '2025-01-01T10:00:00Z', 'Add Ada (#1)', [{ path: `users/${ADA}.yaml`, before: undefined, after: version({ email: ADA, requested_by: 'lead@example.gov.uk' }) }]),
      aCommit('b2', '2025-02-01T10:00:00Z', 'Team account (#2)', [{ path: 'accounts/team.yaml', before: undefined, after: anAccount({ bootstrap: { users: [ADA.toUpperCase()] } }) }]),
      // The bootstrap role removed: Ada loses it; nothing is granted.
      aCommit('c3', '2025-03-01T10:00:00Z', 'Remove the bootstrap role (#3)', [
        { path: 'accounts/team.yaml', before: anAccount({ bootstrap: { users: [ADA] } }), after: anAccount({ bootstrap: { state: 'removed', users: [ADA] } }) },
      ]),
      // Someone else given a role: nothing about Ada.
      aCommit('d4', '2025-04-01T10:00:00Z', 'Ben joins (#4)', [
        {
          path: 'accounts/team.yaml',
          before: anAccount({ bootstrap: { state: 'removed', users: [ADA] } }),
          after: anAccount({ bootstrap: { state: 'removed', users: [ADA] }, roles: [{ name: 'team-admin', kind: 'admin', users: ['ben@example.gov.uk'] }] }),
        },
      ]),
      // A role's kind widened: taken as the old role revoked and the new one granted.
      aCommit('e5', '2025-05-01T10:00:00Z', 'Ada becomes an admin (#5)', [
        {
          path: 'accounts/team.yaml',
          before: anAccount({ roles: [{ name: 'team-role', kind: 'read-only', users: [ADA] }] }),
          after: anAccount({ roles: [{ name: 'team-role', kind: 'admin', users: [ADA] }] }),
        },
      ]),
      // An unreadable version (YAML that did not parse) and a closed account: no access in either.
      aCommit('f6', '2025-06-01T10:00:00Z', 'Close the account', [
        { path: 'accounts/team.yaml', before: version(undefined), after: anAccount({ state: 'closed', roles: [{ name: 'team-role', kind: 'admin', users: [ADA] }] }) },
      ]),
    ],
  };

  it("lists only what changed Ada's access, as granted and revoked roles", () => {
    const entries = buildUserHistory(history, ADA).entries.map((e) => [e.sha, e.pullRequest, e.changes.map((c) => (c.kind === 'access-granted' || c.kind === 'access-revoked' ? `${c.kind} ${c.role} ${c.roleKind}` : c.kind))]);
    expect(entries).toEqual([
      ['a1', 1, ['file-added']],
      ['b2', 2, ['access-granted bootstrap bootstrap']],
      ['c3', 3, ['access-revoked bootstrap bootstrap']],
      ['e5', 5, ['access-granted team-role admin', 'access-revoked team-role read-only']],
    ]);
  });

  it('dates the last approval by the newest change to the file or grant of a role; a removed file forgets it', () => {
    expect(findLastApprovals(history).get(ADA)).toEqual({ committedAt: '2025-05-01T10:00:00Z', sha: 'e5', pullRequest: 5 });
    expect(findLastApprovals(history).get('ben@example.gov.uk')).toEqual({ committedAt: '2025-04-01T10:00:00Z', sha: 'd4', pullRequest: 4 });
    const removed: GitHistory = {
      shallow: false,
      commits: [...history.commits, aCommit('g7', '2025-07-01T10:00:00Z', 'Ada leaves (#7)', [{ path: `users/${ADA}.yaml`, before: version({}), after: undefined }])],
    };
    expect(findLastApprovals(removed).has(ADA)).toBe(false);
  });
});
