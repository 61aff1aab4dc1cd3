import { describe, expect, it } from 'vitest';
import type { PullRequestReview } from '../../src/core/access-history.ts';
import { buildApprovalRecord, describeApproval, isApproved, parseApprovalRecord, sourceIdentityOf, type MergedPullRequest } from '../../src/core/approval.ts';
import { roleSessionName } from '../../src/adapters/aws/clients.ts';
import { parseApplyReport } from '../../src/render/github-inputs.ts';
import { renderApplyReport } from '../../src/render/github-apply-report.ts';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const MERGED: MergedPullRequest = {
  number: 1234,
  url: 'https://github.com/example-org/aws-access/pull/1234',
  author: 'alice',
  mergedBy: 'bob',
  mergedAt: '2026-11-28T09:00:00Z',
};
const review = (reviewer: string, state: PullRequestReview['state'], submittedAt: string): PullRequestReview => ({ reviewer, state, submittedAt });

describe('the approval record', () => {
  it('names the approvers at merge time: each reviewer\'s latest review before the merge, approvals only', () => {
    const record = buildApprovalRecord(SHA, MERGED, [
      review('carol', 'APPROVED', '2026-11-28T08:00:00Z'),
      review('dave', 'APPROVED', '2026-11-28T08:00:00Z'),
      review('dave', 'CHANGES_REQUESTED', '2026-11-28T08:30:00Z'),
      review('erin', 'APPROVED', '2026-11-28T09:30:00Z'),
    ]);
    expect(record).toEqual({ version: 1, commit: SHA, pullRequest: { ...MERGED, approvers: ['carol'] } });
    expect(isApproved(record)).toBe(true);
    expect(describeApproval(record)).toBe('pull request #1234 by alice, merged by bob, approved by carol');
  });

  it('a push without a pull request, or a pull request nobody approved, has no approval on record', () => {
    const push = buildApprovalRecord(SHA, undefined, []);
    expect(push).toEqual({ version: 1, commit: SHA, pullRequest: null, reason: 'direct push' });
    expect(isApproved(push)).toBe(false);
    expect(describeApproval(push)).toMatch(/^⚠️ no approval on record: commit a1b2c3d4e5f6 was pushed without a pull request/);
    const unreviewed = buildApprovalRecord(SHA, MERGED, [review('carol', 'COMMENTED', '2026-11-28T08:00:00Z')]);
    expect(isApproved(unreviewed)).toBe(false);
    expect(describeApproval(unreviewed)).toMatch(/^⚠️ no approval on record: .*approved by nobody$/);
  });

  it('gives AWS a SourceIdentity and session name within STS rules', () => {
    const pattern = /^[\w+=,.@-]{2,64}$/;
    for (const record of [buildApprovalRecord(SHA, MERGED, []), buildApprovalRecord(SHA, { ...MERGED, number: 9_999_999_999 }, []), buildApprovalRecord(SHA, undefined, [])]) {
      expect(sourceIdentityOf(record)).toMatch(pattern);
      expect(roleSessionName(sourceIdentityOf(record))).toMatch(pattern);
    }
    expect(sourceIdentityOf(buildApprovalRecord(SHA, MERGED, []))).toBe('pr-1234');
    expect(sourceIdentityOf(buildApprovalRecord(SHA, undefined, []))).toBe('push-a1b2c3d4e5f6');
    expect(roleSessionName('pr-1234')).toBe('aws-access-as-code-pr-1234');
    expect(roleSessionName()).toBe('aws-access-as-code');
  });

  it('reads back what it wrote, and refuses anything else by field', () => {
    const record = buildApprovalRecord(SHA, MERGED, [review('carol', 'APPROVED', '2026-11-28T08:00:00Z')]);
    expect(parseApprovalRecord(JSON.stringify(record), 'a.json')).toEqual(record);
    const bad = (value: unknown) => () => parseApprovalRecord(JSON.stringify(value), 'a.json');
    expect(bad({ ...record, version: 2 })).toThrow(/a.json is not an approval record: expected \{ "version": 1/);
    expect(bad({ ...record, commit: 'main' })).toThrow(/commit must be a full commit id/);
    expect(bad({ version: 1, commit: SHA, pullRequest: null })).toThrow(/reason must be "direct push"/);
    expect(bad({ ...record, pullRequest: { ...record.pullRequest, approvers: ['<script>'] } })).toThrow(/approvers must be a list of GitHub logins/);
    expect(bad({ ...record, pullRequest: { ...record.pullRequest, author: 'a b' } })).toThrow(/pullRequest.author must be a GitHub login/);
    expect(() => parseApprovalRecord('{', 'a.json')).toThrow(/not JSON/);
  });
});

describe('the apply report comment with the approval record', () => {
  const results = [{ kind: 'create-user', summary: 'create user ada', status: 'done' }];
  const comment = (approval: unknown) => renderApplyReport(parseApplyReport(JSON.stringify({ version: 1, results, approval }), 'r.json'), { sha: SHA });

  it('names the pull request, who opened and merged it, and its approvers, without mentioning anyone', () => {
    const text = comment(buildApprovalRecord(SHA, MERGED, [review('carol', 'APPROVED', '2026-11-28T08:00:00Z')]));
    expect(text).toContain('Pull request [#1234](https://github.com/example-org/aws-access/pull/1234) by `alice`, merged by `bob`; approved by `carol`.');
    expect(text).not.toContain('@');
    expect(text).not.toContain('No approval on record');
  });

  it('flags a direct push and a pull request nobody approved', () => {
    expect(comment(buildApprovalRecord(SHA, undefined, []))).toContain('⚠️ **No approval on record**: commit `a1b2c3d` was pushed to the default branch without a pull request.');
    expect(comment(buildApprovalRecord(SHA, MERGED, []))).toContain('⚠️ **No approval on record**: Pull request [#1234]');
  });

  it('says nothing about approval when apply was not given a record', () => {
    expect(renderApplyReport(parseApplyReport(JSON.stringify({ version: 1, results }), 'r.json'))).not.toMatch(/approv/i);
  });
});
