/**
 * The schema comment on line 1 is a warning, and `validate --fix` writes it, saying what it changed
 * and changing nothing else.
 */
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../src/cli/commands/validate.ts';
import { ACCOUNT_SCHEMA_LINE, accountYaml, makeRepo, TODAY, USER_SCHEMA_LINE, userYaml } from '../config/fixture-repo.ts';
import { cliContext } from '../github/cli-context.ts';

async function validateIn(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = cliContext(args, { cwd: dir, env: {} });
  captured.ctx.today = TODAY;
  const code = await validate(captured.ctx);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const withoutFirstLine = (text: string): string => text.split('\n').slice(1).join('\n');
const BOB = 'users/bob@example.gov.uk.yaml';

describe('the schema comment on line 1', () => {
  it('missing is a warning: the files are valid, and the warning says how to fix it', async () => {
    const dir = await makeRepo({ [BOB]: withoutFirstLine(userYaml('bob@example.gov.uk')) });
    const result = await validateIn(dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${BOB}:1:1  warning  the file does not start with the line "${USER_SCHEMA_LINE}", which lets editors check it as you type; add it as line 1, or run npm run validate -- --fix  [fileStartsWithSchemaComment]\n`,
    );
    expect(result.stderr).toBe('2 users, 1 account: valid, 1 warning\n');
  });

  it('--fix adds it (or replaces one naming another schema), says so file by file, and changes nothing else', async () => {
    const bob = withoutFirstLine(userYaml('bob@example.gov.uk'));
    const crlf = withoutFirstLine(userYaml('cat@example.gov.uk')).replaceAll('\n', '\r\n');
    const prod = accountYaml('team-prod').replace(ACCOUNT_SCHEMA_LINE, USER_SCHEMA_LINE);
    const dir = await makeRepo({ [BOB]: bob, 'users/cat@example.gov.uk.yaml': crlf, 'accounts/team-prod.yaml': prod });
    const result = await validateIn(dir, '--fix');
    expect(result.stderr).toBe(
      [
        `validate --fix: accounts/team-prod.yaml: replaced line 1 "${USER_SCHEMA_LINE}" with "${ACCOUNT_SCHEMA_LINE}"`,
        `validate --fix: ${BOB}: added line 1 "${USER_SCHEMA_LINE}"`,
        `validate --fix: users/cat@example.gov.uk.yaml: added line 1 "${USER_SCHEMA_LINE}"`,
        '3 users, 2 accounts: valid',
        '',
      ].join('\n'),
    );
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(await readFile(join(dir, BOB), 'utf8')).toBe(`${USER_SCHEMA_LINE}\n${bob}`);
    expect(await readFile(join(dir, 'users/cat@example.gov.uk.yaml'), 'utf8')).toBe(`${USER_SCHEMA_LINE}\r\n${crlf}`);
    expect(await readFile(join(dir, 'accounts/team-prod.yaml'), 'utf8')).toBe(accountYaml('team-prod'));
    // Nothing left to fix: it says so, and writes nothing.
    expect((await validateIn(dir, '--fix')).stderr).toBe('validate --fix: nothing to fix: every data file starts with its schema comment\n3 users, 2 accounts: valid\n');
  });

  it('--fix leaves alone what it cannot fix without guessing, and still reports every problem', async () => {
    const broken = withoutFirstLine(userYaml('bob@example.gov.uk', 'colour: red'));
    const dir = await makeRepo({ [BOB]: broken, 'users/cat@example.gov.uk.yaml': Buffer.from([0xff, 0xfe, 0x41]) });
    await symlink(join(dir, BOB), join(dir, 'users', 'dan@example.gov.uk.yaml'));
    const result = await validateIn(dir, '--fix');
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(`validate --fix: ${BOB}: added line 1 "${USER_SCHEMA_LINE}"`);
    expect(result.stdout).toContain(`${BOB}:6:1  error  unknown field "colour"`);
    expect(result.stdout).toContain('users/cat@example.gov.uk.yaml:1:1  error');
    expect(result.stdout).toContain('users/dan@example.gov.uk.yaml:1:1  error');
    expect(await readFile(join(dir, 'users/cat@example.gov.uk.yaml'))).toEqual(Buffer.from([0xff, 0xfe, 0x41]));
  });

  it('--fix with --ref is refused: files read from git cannot be written', async () => {
    const result = await validateIn(await makeRepo(), '--fix', '--ref', 'main');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^validate: --fix writes the files of the work tree, so it cannot go with --ref/);
  });
});
