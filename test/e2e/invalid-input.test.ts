/**
 * End to end: invalid files stop `plan --target aws` and `apply --target aws` before any AWS
 * request. AWS_ENDPOINT_URL points at a local server that records every request (and answers 500),
 * so "no AWS call" is observed, not inferred; a control run with valid files shows that the same
 * set-up does see the requests a real run makes.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, prepareRepo, removeRepo, runCommand, startRequestCounter, type RequestCounter, type RunResult } from './support.ts';

const ZOE_FILE = 'users/zoe.smith@digital.cabinet-office.gov.uk.yaml';
/** Line 4 gives `team` a value that is itself a mapping on one line: a YAML syntax error at 4:7. */
const BROKEN_USER = [
  '# yaml-language-server: $schema=../schema/user.schema.json',
  'email: zoe.smith@digital.cabinet-office.gov.uk',
  'name: Zoe Smith',
  'team: govuk: platform',
  'requested_by: amara.okafor@digital.cabinet-office.gov.uk',
  '',
].join('\n');

let counter: RequestCounter;
let repo: string;

beforeAll(async () => {
  counter = await startRequestCounter();
});
afterAll(async () => {
  await counter?.stop();
});
beforeEach(async () => {
  repo = await prepareRepo();
  counter.requests.length = 0;
});
afterEach(async () => {
  await removeRepo(repo);
});

const run = (command: string, ...args: string[]): Promise<RunResult> => runCommand(repo, cliEnv(counter.url), command, ...args);

function expectRefusedBeforeAws(result: RunResult, location: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(location);
  expect(result.stderr).toContain('The files are not valid: nothing was read from or changed in any target.');
  expect(result.stderr).not.toMatch(/unexpected error|ECONNREFUSED|socket|\n\s+at /);
  expect(result.stdout).toBe('');
}

describe('g. a user file with a YAML error', () => {
  it('makes apply --target aws and plan --target aws exit 1 at file:line:col, with no AWS request', async () => {
    await writeFile(join(repo, ZOE_FILE), BROKEN_USER);
    const location = /users\/zoe\.smith@digital\.cabinet-office\.gov\.uk\.yaml:4:7 +error +YAML syntax error/;
    expectRefusedBeforeAws(await run('apply', '--target', 'aws'), location);
    expectRefusedBeforeAws(await run('apply', '--target', 'aws', '--allow-mass-deletion'), location);
    expectRefusedBeforeAws(await run('plan', '--target', 'aws', '--detailed-exitcode'), location);
    expect(counter.requests).toEqual([]);
  });
});

describe('d. a user file removed while an account’s bootstrap.users still names them', () => {
  it('fails validate, plan and apply with the rule’s error on the account file, with no AWS request', async () => {
    await rm(join(repo, 'users', 'amara.okafor@digital.cabinet-office.gov.uk.yaml'));
    const location =
      /accounts\/govuk-platform-production\.yaml:\d+:\d+ +error +bootstrap user amara\.okafor@digital\.cabinet-office\.gov\.uk has no file users\/amara\.okafor@digital\.cabinet-office\.gov\.uk\.yaml.*\[everyBootstrapUserExists\]/;

    const validated = await run('validate');
    expect(validated.code).toBe(1);
    expect(`${validated.stdout}${validated.stderr}`).toMatch(location);

    expectRefusedBeforeAws(await run('plan', '--target', 'aws'), location);
    expectRefusedBeforeAws(await run('apply', '--target', 'aws'), location);
    expect(counter.requests).toEqual([]);
  });
});

describe('control: the request counter sees a real run', () => {
  it('counts the requests of plan --target aws with valid files, which then fails cleanly', async () => {
    const result = await run('plan', '--target', 'aws');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: /m);
    expect(result.stderr).not.toContain('unexpected error');
    expect(counter.requests.length).toBeGreaterThan(0);
  });
});
