/**
 * `history` end to end on a temporary git repository whose main branch was built the way GitHub
 * builds it: pull requests merged by squash ("Title (#12)") and by merge commit ("Merge pull request
 * #15 from ..."), every date pinned. Ada is added (#12), given a team role and a new team (#15),
 * someone else's access changes (#18), and Ada is removed (#20). Then the same with a fake GitHub
 * for the approvers, a shallow clone, and bad input.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { cliContext } from '../github/cli-context.ts';
import { FakeGitHub, OWNER, REPO, TOKEN } from '../github/fake-github.ts';
import { GitRepo } from '../support/git-repo.ts';

const ADA = 'ada@example.gov.uk';
const ADA_FILE = `users/${ADA}.yaml`;
const ACCOUNT_FILE = 'accounts/notify-staging.yaml';

const ada = (team: string): string =>
  `# yaml-language-server: $schema=../schema/user.schema.json\nemail: ${ADA}\nname: Ada Lovelace\nteam: ${team}\nrequested_by: lead@example.gov.uk\nreason: Runs the data pipeline.\n`;

function account(bootstrap: readonly string[], adminUsers: readonly string[]): string {
  const admin = adminUsers.length === 0 ? '' : `  - name: notify-admin\n    kind: admin\n    users:\n${adminUsers.map((u) => `      - ${u}\n`).join('')}`;
  return (
    'name: notify-staging\ndescription: Staging for Notify.\nrequested_by: dev@example.gov.uk\nstate: active\n' +
    `bootstrap:\n  users:\n${bootstrap.map((u) => `    - ${u}\n`).join('')}` +
    `roles:\n  - name: notify-read-only\n    kind: read-only\n    users:\n      - amara@example.gov.uk\n${admin}`
  );
}

let root = '';
let repo: GitRepo;
const shas: Record<string, string> = {};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'aac-history-'));
  repo = new GitRepo(root);
  shas['initial'] = repo.write(ACCOUNT_FILE, account(['dev@example.gov.uk'], [])).commit('Initial data (#1)', '2025-01-06T10:00:00Z');
  shas['add'] = repo.squash(12, 'Add Ada Lovelace', '2025-02-10T10:00:00Z', (r) => r.write(ADA_FILE, ada('data')));
  shas['move'] = repo.merge(15, 'ada-notify-admin', 'Ada joins Notify as an admin', '2025-03-03T10:00:00Z', (r) =>
    r.write(ADA_FILE, ada('notify')).write(ACCOUNT_FILE, account(['dev@example.gov.uk'], [ADA])),
  );
  shas['other'] = repo.squash(18, 'Amara may use the Notify bootstrap role', '2025-09-01T10:00:00Z', (r) =>
    r.write(ACCOUNT_FILE, account(['dev@example.gov.uk', 'amara@example.gov.uk'], [ADA])),
  );
  shas['remove'] = repo.merge(20, 'remove-ada', 'Ada has left', '2026-06-01T10:00:00Z', (r) =>
    r.remove(ADA_FILE).write(ACCOUNT_FILE, account(['dev@example.gov.uk', 'amara@example.gov.uk'], [])),
  );
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(cwd: string, env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = cliContext(args, { cwd, env });
  const code = await runCli('history', captured.ctx);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** Commit ids change with nothing else; the rest of the output is stable. */
const normalise = (text: string): string => text.replace(/\b[0-9a-f]{7}\b/g, '<sha>');

interface JsonEntry {
  sha: string;
  committedAt: string;
  title: string;
  pullRequest: number | null;
  file: string;
  changes: Record<string, unknown>[];
  requestedBy: string | null;
  approvers: string[] | null;
}

describe('history', () => {
  it('--user: the commits that added Ada, gave her a role, changed her file and removed her, in text', async () => {
    const result = await run(root, {}, '--user', ADA);
    expect(result.code, result.stderr).toBe(0);
    expect(normalise(result.stdout)).toBe(
      [
        `History of ${ADA} (${ADA_FILE}, and the account files naming them), from git`,
        '5 changes, oldest first.',
        '',
        `2025-02-10  #12  <sha>  ${ADA_FILE}`,
        '    file added',
        '    requested by lead@example.gov.uk; approvers not looked up',
        '    title: Add Ada Lovelace',
        '',
        `2025-03-03  #15  <sha>  ${ACCOUNT_FILE}`,
        '    may assume notify-admin (admin) in notify-staging',
        '    account requested by dev@example.gov.uk; approvers not looked up',
        '    title: Ada joins Notify as an admin',
        '',
        `2025-03-03  #15  <sha>  ${ADA_FILE}`,
        '    file changed: team',
        '    requested by lead@example.gov.uk; approvers not looked up',
        '    title: Ada joins Notify as an admin',
        '',
        `2026-06-01  #20  <sha>  ${ACCOUNT_FILE}`,
        '    may no longer assume notify-admin (admin) in notify-staging',
        '    account requested by dev@example.gov.uk; approvers not looked up',
        '    title: Ada has left',
        '',
        `2026-06-01  #20  <sha>  ${ADA_FILE}`,
        '    file removed',
        '    requested by lead@example.gov.uk; approvers not looked up',
        '    title: Ada has left',
        '',
        'Notes',
        '  • Approvers were not looked up: set GITHUB_TOKEN (a token that can read the pull requests) and GITHUB_REPOSITORY (owner/name) to list them.',
        '',
      ].join('\n'),
    );
  });

  it('--user --json: the same entries, with the merge commits themselves (not the branch commits)', async () => {
    const result = await run(root, {}, '--user', ADA.toUpperCase(), '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { version: number; subject: unknown; entries: JsonEntry[] };
    expect(json.version).toBe(1);
    expect(json.subject).toEqual({ type: 'user', userName: ADA });
    expect(json.entries.map((e) => [e.sha, e.committedAt, e.pullRequest, e.file, e.requestedBy, e.approvers])).toEqual([
      [shas['add'], '2025-02-10T10:00:00Z', 12, ADA_FILE, 'lead@example.gov.uk', null],
      [shas['move'], '2025-03-03T10:00:00Z', 15, ACCOUNT_FILE, 'dev@example.gov.uk', null],
      [shas['move'], '2025-03-03T10:00:00Z', 15, ADA_FILE, 'lead@example.gov.uk', null],
      [shas['remove'], '2026-06-01T10:00:00Z', 20, ACCOUNT_FILE, 'dev@example.gov.uk', null],
      [shas['remove'], '2026-06-01T10:00:00Z', 20, ADA_FILE, 'lead@example.gov.uk', null],
    ]);
    expect(json.entries[1]?.changes).toEqual([
      { kind: 'access-granted', userName: ADA, accountName: 'notify-staging', role: 'notify-admin', roleKind: 'admin' },
    ]);
    expect(json.entries[2]?.changes).toEqual([{ kind: 'file-changed', fields: ['team'] }]);
  });

  it('--account: every change to the account file, with who gained or lost which role, in Markdown', async () => {
    const result = await run(root, {}, '--account', 'notify-staging', '--format', 'markdown');
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.split('\n').filter((line) => /^\| \d{4}/.test(line));
    expect(rows.map(normalise)).toEqual([
      // Outside code spans every @ is broken with a zero-width space, so no one is mentioned.
      '| 2025-01-06 | #1 | `<sha>` | `accounts/notify-staging.yaml` | file added<br>amara@\u200bexample.gov.uk may assume notify-read-only (read-only)<br>dev@\u200bexample.gov.uk may assume bootstrap | `dev@example.gov.uk` | not looked up |  |',
      '| 2025-03-03 | #15 | `<sha>` | `accounts/notify-staging.yaml` | file changed: roles<br>ada@\u200bexample.gov.uk may assume notify-admin (admin) | `dev@example.gov.uk` | not looked up |  |',
      '| 2025-09-01 | #18 | `<sha>` | `accounts/notify-staging.yaml` | file changed: bootstrap<br>amara@\u200bexample.gov.uk may assume bootstrap | `dev@example.gov.uk` | not looked up |  |',
      '| 2026-06-01 | #20 | `<sha>` | `accounts/notify-staging.yaml` | file changed: roles<br>ada@\u200bexample.gov.uk may no longer assume notify-admin (admin) | `dev@example.gov.uk` | not looked up |  |',
    ]);
  });

  describe('with GitHub', () => {
    let github: FakeGitHub;
    beforeEach(async () => {
      github = await new FakeGitHub().start();
    });
    afterEach(async () => {
      await github.stop();
    });

    it("lists each pull request's approvers: the latest review per reviewer before the merge, approvals only", async () => {
      const user = (login: string) => ({ login, type: 'User' as const });
      github.reviewsByPull.set(12, [{ id: 1, user: user('alice'), state: 'APPROVED', submitted_at: '2025-02-10T08:00:00Z', commit_id: shas['add'] ?? '' }]);
      github.reviewsByPull.set(15, [
        { id: 2, user: user('bob'), state: 'CHANGES_REQUESTED', submitted_at: '2025-03-02T09:00:00Z', commit_id: 'a' },
        { id: 3, user: user('bob'), state: 'APPROVED', submitted_at: '2025-03-03T09:00:00Z', commit_id: 'b' },
        { id: 4, user: user('dave'), state: 'COMMENTED', submitted_at: '2025-03-03T09:30:00Z', commit_id: 'b' },
        // After the merge: not an approval of what was merged.
        { id: 5, user: user('carol'), state: 'APPROVED', submitted_at: '2025-03-04T09:00:00Z', commit_id: 'b' },
      ]);
      github.reviewsByPull.set(20, [
        { id: 6, user: user('erin'), state: 'DISMISSED', submitted_at: '2026-05-30T09:00:00Z', commit_id: 'c' },
        { id: 7, user: user('frank'), state: 'APPROVED', submitted_at: '2026-05-31T09:00:00Z', commit_id: 'c' },
        { id: 8, user: user('frank'), state: 'COMMENTED', submitted_at: '2026-05-31T10:00:00Z', commit_id: 'c' },
      ]);
      github.runsByCommit.set(shas['add'] ?? '', [
        { id: 101, path: '.github/workflows/apply.yml', status: 'completed', conclusion: 'success', event: 'push' },
        { id: 102, path: '.github/workflows/drift.yml', status: 'completed', conclusion: 'success', event: 'push' },
      ]);
      github.runsByCommit.set(shas['move'] ?? '', [{ id: 103, path: `${OWNER}/${REPO}/.github/workflows/apply.yml@main`, status: 'completed', conclusion: 'cancelled', event: 'push' }]);
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: github.baseUrl };

      const json = await run(root, env, '--user', ADA, '--json');
      expect(json.code, json.stderr).toBe(0);
      const parsed = JSON.parse(json.stdout) as { entries: (JsonEntry & { applyRuns: { url: string; conclusion: string }[] | null })[]; notes: string[] };
      const runs = (e: { applyRuns: { url: string; conclusion: string }[] | null }) => e.applyRuns?.map((r) => `${r.conclusion} ${r.url.replace(/^.*\/runs\//, 'run ')}`);
      expect(parsed.entries.map((e) => [e.pullRequest, e.approvers, runs(e)])).toEqual([
        [12, ['alice'], ['success run 101']],
        [15, ['bob'], ['cancelled run 103']],
        [15, ['bob'], ['cancelled run 103']],
        [20, ['frank'], []],
        [20, ['frank'], []],
      ]);
      expect(parsed.notes).toEqual([]);
      // One request per pull request and one per merge commit, and nothing else.
      expect(github.requests.map((r) => r.path)).toEqual([
        ...[12, 15, 20].map((n) => `/repos/${OWNER}/${REPO}/pulls/${n}/reviews`),
        ...[1, 2, 3].map(() => `/repos/${OWNER}/${REPO}/actions/runs`),
      ]);
      expect(github.unexpected).toEqual([]);

      const text = await run(root, env, '--user', ADA);
      expect(text.stdout).toContain(
        `    requested by lead@example.gov.uk; approved by alice\n    apply run https://github.com/${OWNER}/${REPO}/actions/runs/101 (success)\n    title: Add Ada Lovelace\n`,
      );
      const markdown = await run(root, env, '--user', ADA, '--format', 'markdown');
      expect(markdown.stdout).toContain(`| \`alice\` | [success](https://github.com/${OWNER}/${REPO}/actions/runs/101) |`);
    });

    it('keeps the history from git when GitHub does not know a pull request, and says so', async () => {
      github.reviewsByPull.set(12, []);
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: github.baseUrl };
      const result = await run(root, env, '--user', ADA, '--json');
      expect(result.code).toBe(0);
      const parsed = JSON.parse(result.stdout) as { entries: JsonEntry[]; notes: string[] };
      expect(parsed.entries.map((e) => e.approvers)).toEqual([[], null, null, null, null]);
      expect(parsed.notes).toEqual([`Approvers and apply runs were looked up only partly: pull request #15 was not found in ${OWNER}/${REPO}.`]);
      expect(result.stderr).toContain('warning: GitHub: could not list the reviews of pull request #15');
    });
  });

  it('in a shallow clone, says so and what to do, and leaves out the commit the clone stops at', async () => {
    const clone = repo.shallowClone(join(root, '..', `${root.split('/').pop() ?? ''}-shallow`), 2);
    try {
      const result = await run(clone, {}, '--user', ADA, '--json');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain("warning: the clone's history is shallow (only its latest commits are here): run git fetch --unshallow");
      const parsed = JSON.parse(result.stdout) as { entries: JsonEntry[]; notes: string[] };
      expect(parsed.entries.map((e) => [e.pullRequest, e.file, e.changes.map((c) => c['kind'])])).toEqual([
        [20, ACCOUNT_FILE, ['access-revoked']],
        [20, ADA_FILE, ['file-removed']],
      ]);
      expect(parsed.notes[0]).toMatch(/^This clone has shallow history: .* Run git fetch --unshallow/);
      const gone = await run(clone, {}, '--user', 'ben@example.gov.uk');
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain("error: no user ben@example.gov.uk in this shallow clone's history\n  the clone has only its latest commits: run git fetch --unshallow");
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  });

  it('refuses bad input clearly: both flags, neither, an unknown user or account (with a did-you-mean), no git', async () => {
    const both = await run(root, {}, '--user', ADA, '--account', 'notify-staging');
    expect([both.code, both.stderr.split('\n')[0]]).toEqual([1, 'error: give --user or --account, not both']);
    expect((await run(root, {})).stderr).toContain('error: --user <email> or --account <name> is required');
    expect((await run(root, {}, '--user', 'users/ada@example.gov.uk.yaml')).stderr).toContain('--user takes an email (the file name without .yaml)');
    expect((await run(root, {}, '--user', ADA, '--format', 'yaml')).stderr).toContain('--format must be text, markdown or json, not "yaml"');

    const typo = await run(root, {}, '--user', 'ada@example.gov.k');
    expect(typo.code).toBe(1);
    // Ada's file is gone from the working tree; her name is still known from history.
    expect(typo.stderr).toBe(
      'error: no user ada@example.gov.k: no commit ever added users/ada@example.gov.k.yaml or named them in an account file\n  did you mean --user ada@example.gov.uk?\n',
    );
    expect((await run(root, {}, '--account', 'notify-stagin')).stderr).toContain('did you mean --account notify-staging?');

    const elsewhere = await mkdtemp(join(tmpdir(), 'aac-no-git-'));
    try {
      const none = await run(elsewhere, {}, '--user', ADA);
      expect(none.code).toBe(1);
      // Outside any repository the CLI says so before history looks for git (see repository-root.ts).
      expect(none.stderr).toContain(`no settings.yaml in ${elsewhere} or any folder above it (nor a git repository)`);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
