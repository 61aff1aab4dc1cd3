/** The validate command, run in-process with a fake context, and the problem renderings it uses. */
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.ts';
import { validate } from '../../src/cli/commands/validate.ts';
import type { Problem } from '../../src/core/problems.ts';
import { escapeData, escapeProperty, renderProblemsGithub, renderProblemsJson, renderProblemsText, renderValidationSummary } from '../../src/render/problems.ts';
import { accountYaml, makeRepo, TODAY, userYaml } from '../config/fixture-repo.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], overrides: Record<string, string | Buffer | null> = {}, options: { isTTY?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    args,
    cwd: await makeRepo(overrides),
    env: options.env ?? {},
    stdout: { write: (text) => void (stdout += text), isTTY: options.isTTY ?? false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
    today: TODAY,
  };
  const code = await validate(ctx);
  return { code, stdout, stderr };
}

const BROKEN = {
  'users/bob@example.gov.uk.yaml': userYaml('bob@example.gov.uk', 'colour: red'),
  'accounts/team-prod.yaml': accountYaml('team-prod', 'id: 123456789012'),
  'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-01-01"'),
};

describe('validate', () => {
  it('a valid repository: nothing on stdout, a summary on stderr, exit 0', async () => {
    expect(await run([])).toEqual({ code: 0, stdout: '', stderr: '1 user, 1 account: valid\n' });
  });

  it('warnings alone still exit 0', async () => {
    const result = await run([], { 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-01-01"') });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^users\/cat@contractor\.com\.yaml:6:10  warning  access ended on 2026-01-01: .*  \[expiredUsersAreReported\]\n$/);
    expect(result.stderr).toBe('2 users, 1 account: valid, 1 warning\n');
  });

  it('errors: one line per problem, sorted, a summary, exit 1', async () => {
    const result = await run([], BROKEN);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'accounts/team-prod.yaml:13:5  error  id: 123456789012 is read as a number (YAML 1.2 reads unquoted digits as a number, dropping leading zeros); account ids are text, so write it in quotes: id: "123456789012"  [fileMatchesSchema]',
      expect.stringMatching(/^users\/bob@example\.gov\.uk\.yaml:6:1  error  unknown field "colour"; allowed fields are .*  \[fileMatchesSchema\]$/),
      expect.stringMatching(/^users\/cat@contractor\.com\.yaml:6:10  warning  access ended/),
      '',
    ]);
    expect(result.stderr).toBe('2 errors, 1 warning in 3 files\n');
  });

  it('colours the text only on a terminal without NO_COLOR', async () => {
    expect((await run([], BROKEN, { isTTY: true })).stdout).toContain('\u001b[31merror\u001b[39m');
    expect((await run([], BROKEN, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });

  it('--format github prints workflow commands', async () => {
    const result = await run(['--format', 'github'], BROKEN);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe(
      '::error file=accounts/team-prod.yaml,line=13,col=5,title=fileMatchesSchema::id: 123456789012 is read as a number (YAML 1.2 reads unquoted digits as a number, dropping leading zeros); account ids are text, so write it in quotes: id: "123456789012"',
    );
    expect(result.stdout).toContain('::warning file=users/cat@contractor.com.yaml,line=6,col=10,title=expiredUsersAreReported::');
  });

  it('--format=json prints the documented JSON object', async () => {
    const result = await run(['--format=json'], BROKEN);
    expect(result.code).toBe(1);
    const json: unknown = JSON.parse(result.stdout);
    expect(json).toEqual({
      version: 1,
      valid: false,
      problems: [
        { severity: 'error', rule: 'fileMatchesSchema', file: 'accounts/team-prod.yaml', line: 13, col: 5, message: expect.any(String) },
        { severity: 'error', rule: 'fileMatchesSchema', file: 'users/bob@example.gov.uk.yaml', line: 6, col: 1, message: expect.any(String) },
        { severity: 'warning', rule: 'expiredUsersAreReported', file: 'users/cat@contractor.com.yaml', line: 6, col: 10, message: expect.any(String) },
      ],
    });
    expect(JSON.parse((await run(['--format', 'json'])).stdout)).toEqual({ version: 1, valid: true, problems: [] });
    expect((await run(['--json'])).stdout).toBe((await run(['--format', 'json'])).stdout);
  });

  it.each([[['--bogus']], [['--format']], [['--format', 'xml']], [['extra']]])('rejects %j with usage and exit 1', async (args) => {
    const result = await run(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^validate: .*\nusage: npm run validate -- \[--format text\|github\|json\] \[--json\]/);
  });

  it('--help prints usage and exits 0', async () => {
    const result = await run(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: npm run validate/);
  });
});

describe('problem rendering', () => {
  const tricky: Problem = {
    severity: 'error',
    rule: 'rule:with,chars',
    file: 'users/a,b:c%.yaml',
    line: 3,
    col: 7,
    message: '100% wrong:\r\nsecond line, still: data',
  };

  it('escapes GitHub workflow command data and properties as actions/toolkit does', () => {
    expect(escapeData('a%b\rc\nd:e,f')).toBe('a%25b%0Dc%0Ad:e,f');
    expect(escapeProperty('a%b\rc\nd:e,f')).toBe('a%25b%0Dc%0Ad%3Ae%2Cf');
    expect(renderProblemsGithub([tricky])).toBe(
      '::error file=users/a%2Cb%3Ac%25.yaml,line=3,col=7,title=rule%3Awith%2Cchars::100%25 wrong:%0D%0Asecond line, still: data\n',
    );
  });

  it('keeps each text problem on one line', () => {
    expect(renderProblemsText([tricky])).toBe('users/a,b:c%.yaml:3:7  error  100% wrong: second line, still: data  [rule:with,chars]\n');
  });

  it('JSON keeps only the documented fields, in a stable order', () => {
    const extra = { ...tricky, secret: 'x' } as Problem;
    expect(renderProblemsJson([extra])).toBe(
      `${JSON.stringify({ version: 1, valid: false, problems: [{ severity: 'error', rule: tricky.rule, file: tricky.file, line: 3, col: 7, message: tricky.message }] }, null, 2)}\n`,
    );
  });

  it('summaries', () => {
    expect(renderValidationSummary([], { users: 7, accounts: 3 })).toBe('7 users, 3 accounts: valid');
    expect(renderValidationSummary([tricky, { ...tricky, severity: 'warning', file: 'x' }, { ...tricky, line: 9 }])).toBe('2 errors, 1 warning in 2 files');
    expect(renderValidationSummary([tricky])).toBe('1 error in 1 file');
  });
});
