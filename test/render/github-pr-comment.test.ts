/**
 * The plan comment a reviewer reads on a pull request, end to end from files: a PR that adds a
 * user, moves an account to another OU and removes a bootstrap user, planned against the base
 * branch (git only), rendered as the sticky comment.
 */
import { describe, expect, it } from 'vitest';
import { liveStateFromDesired } from '../../src/core/base-ref.ts';
import { computePlan } from '../../src/core/plan.ts';
import { aWarning } from '../../src/core/problems.ts';
import { renderPlanComment } from '../../src/render/github-pr-comment.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { anAccount, aDesiredState, aUser } from '../support/builders.ts';

const SHA = '3f2c1e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';
const RUN = 'https://github.com/example-org/aws-access/actions/runs/4242';

function aPullRequestComment(): string {
  const alice = aUser('alice@example.gov.uk');
  const bob = aUser('bob@example.gov.uk');
  const carol = aUser('carol@contractor.example.com', { name: 'Carol Smith', requested_by: 'alice@example.gov.uk', expires: '2027-03-31' });
  const account = (ou: string, bootstrap: string[]) =>
    anAccount('team-prod', { organizational_unit: ou, bootstrap: { users: bootstrap } });
  const base = aDesiredState({ users: [alice, bob], accounts: [account('/Workloads/Staging', ['alice@example.gov.uk', 'bob@example.gov.uk'])] });
  const head = aDesiredState({ users: [alice, bob, carol], accounts: [account('/Workloads/Production', ['alice@example.gov.uk'])] });
  const plan = computePlan(head, liveStateFromDesired(base, 'origin/main'));
  const warnings = [aWarning('expiredUsersAreReported', 'users/dan@contractor.example.com.yaml', { line: 6, col: 10 }, 'access expired on 2026-11-01; remove this file')];
  return renderPlanComment(renderPlanMarkdown(plan, { warnings }), { sha: SHA, runUrl: RUN, date: '2026-11-30' });
}

describe('the plan comment on a pull request (git-only mode)', () => {
  const comment = aPullRequestComment();

  it('says which commit, when and which run, under the title', () => {
    const [title, blank, provenance] = comment.split('\n');
    expect(title).toBe('## AWS access plan: what this pull request changes');
    expect(blank).toBe('');
    expect(provenance).toBe(`<sub>Plan for commit \`3f2c1e9\` on 2026-11-30 · [workflow run](${RUN}) · updated in place on every push</sub>`);
  });

  it('says what merging does and that live drift is not visible', () => {
    expect(comment).toContain('**Merging applies this to AWS:**');
    expect(comment).toContain('Live drift is not visible');
  });

  it('shows the new user as granting access, the OU move as an access change, and the removed bootstrap user under "Removes access"', () => {
    const grants = comment.slice(comment.indexOf('### Grants or changes access'), comment.indexOf('### Removes access'));
    expect(grants).toContain('create user carol@contractor.example.com');
    expect(grants).toContain('update account team-prod: move /Workloads/Staging → /Workloads/Production');
    const removes = comment.slice(comment.indexOf('### Removes access'));
    expect(removes).toContain('update the bootstrap role in team-prod: stop trusting bob@example.gov.uk');
    expect(comment).toContain('### Validation warnings (1)');
    // Placeholders never show: the base files give no account id.
    expect(comment).not.toContain('origin/main)');
  });

  it('puts the provenance first even without a title', () => {
    expect(renderPlanComment('No plan: validation failed.\n', { date: '2026-11-30' })).toBe(
      '<sub>Plan on 2026-11-30 · updated in place on every push</sub>\n\nNo plan: validation failed.\n',
    );
  });
});
