/** Hostile or ambiguous YAML gets a clear error at its position, never a crash. */
import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/config/parse-yaml.ts';
import type { Problem } from '../../src/core/problems.ts';
import { ACCOUNT_SCHEMA_LINE, accountYaml, problemsIn, SETTINGS, USER_SCHEMA_LINE, userYaml } from './fixture-repo.ts';

const USER = 'users/bob@example.gov.uk.yaml';

async function problemsOf(file: string, content: string | Buffer): Promise<Problem[]> {
  return (await problemsIn({ [file]: content })).filter((p) => p.file === file);
}

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

describe('hostile YAML', () => {
  it('reports a duplicate key at the second occurrence', async () => {
    const problems = await problemsOf(USER, lines(USER_SCHEMA_LINE, 'email: bob@example.gov.uk', 'name: Bob', 'team: platform', 'requested_by: bob@example.gov.uk', 'name: Robert'));
    expect(problems).toEqual([
      expect.objectContaining({ rule: 'fileHasNoDuplicateKeys', line: 6, col: 1, message: expect.stringContaining('duplicate key "name"') }),
    ]);
  });

  it('rejects an alias bomb without expanding it, reporting a bounded number of aliases', async () => {
    const bomb = [USER_SCHEMA_LINE, 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, previous] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    const problems = await problemsOf(USER, lines(...bomb));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(problems.length).toBeLessThanOrEqual(20);
    expect(problems[0]).toMatchObject({
      rule: 'fileHasNoAliases',
      line: 3,
      col: 8,
      message: 'alias *a is not allowed: data files use no anchors or aliases; write the value out in full',
    });
  });

  it('rejects a second document', async () => {
    const problems = await problemsOf(USER, userYaml('bob@example.gov.uk') + lines('---', 'email: eve@example.gov.uk'));
    expect(problems).toEqual([
      expect.objectContaining({ rule: 'fileHasOneDocument', line: 6, col: 1, message: expect.stringContaining('a data file holds exactly one document') }),
    ]);
  });

  it('reports a %YAML 1.1 directive, and still reads yes/on as text (YAML 1.2), not booleans', async () => {
    const settings = SETTINGS.replace('# yaml-language-server: $schema=schema/settings.schema.json\n', '# yaml-language-server: $schema=schema/settings.schema.json\n%YAML 1.1\n---\n').replace(
      '    minimum_length: 16\n',
      '    minimum_length: 16\n    require_symbols: yes\n    require_numbers: on\n',
    );
    const problems = await problemsOf('settings.yaml', settings);
    expect(problems).toEqual([
      expect.objectContaining({ rule: 'fileIsYaml12', line: 2, col: 1, message: expect.stringMatching(/^%YAML 1\.1 directive: .*yes\/no\/on\/off are text.*; remove this line$/) }),
      expect.objectContaining({ rule: 'fileMatchesSchema', line: 11, col: 22, message: 'users_account.password_policy.require_symbols: "yes" is text in YAML 1.2, not a boolean; write true or false' }),
      expect.objectContaining({ rule: 'fileMatchesSchema', line: 12, col: 22, message: 'users_account.password_policy.require_numbers: "on" is text in YAML 1.2, not a boolean; write true or false' }),
    ]);
  });

  it('accepts an explicit %YAML 1.2 directive', async () => {
    expect(await problemsOf(USER, lines(USER_SCHEMA_LINE, '%YAML 1.2', '---') + userYaml('bob@example.gov.uk').split('\n').slice(1).join('\n'))).toEqual([]);
  });

  it('explains an unquoted 12-digit account id', async () => {
    const problems = await problemsOf('accounts/team-prod.yaml', accountYaml('team-prod', 'id: 012345678901'));
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'fileMatchesSchema',
        line: 13,
        col: 5,
        message: 'id: 012345678901 is read as a number (YAML 1.2 reads unquoted digits as a number, dropping leading zeros); account ids are text, so write it in quotes: id: "012345678901"',
      }),
    ]);
  });

  it('rejects bytes that are not UTF-8, at the first bad byte', async () => {
    const bytes = Buffer.concat([Buffer.from(`${USER_SCHEMA_LINE}\nemail: bob@example.gov.uk\nname: Bj`), Buffer.from([0xf6]), Buffer.from('rn\n')]);
    expect(await problemsOf(USER, bytes)).toEqual([
      expect.objectContaining({ rule: 'fileIsUtf8', line: 3, col: 9, message: expect.stringContaining('not valid UTF-8') }),
    ]);
  });

  it('rejects binary content (a NUL byte), such as UTF-16', async () => {
    const utf16 = Buffer.from(`\uFEFF${userYaml('bob@example.gov.uk')}`, 'utf16le');
    expect(await problemsOf(USER, utf16)).toEqual([
      expect.objectContaining({ rule: 'fileIsText', line: 1, message: expect.stringContaining('NUL byte') }),
    ]);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    expect(await problemsOf(USER, png)).toEqual([expect.objectContaining({ rule: 'fileIsText', line: 3, col: 1 })]);
  });

  it('rejects a file over 64 KiB without parsing it', async () => {
    const huge = userYaml('bob@example.gov.uk', `reason: "${'x'.repeat(70 * 1024)}"`);
    expect(await problemsOf(USER, huge)).toEqual([
      expect.objectContaining({ rule: 'fileIsAtMost64KiB', line: 1, col: 1, message: expect.stringContaining('larger than 64 KiB') }),
    ]);
  });

  it('rejects an empty file and a file with only comments', async () => {
    expect(await problemsOf(USER, '')).toEqual([
      expect.objectContaining({ rule: 'fileIsNotEmpty', line: 1, col: 1, message: 'the file is empty; add its fields, or delete the file' }),
    ]);
    expect(await problemsOf(USER, lines(USER_SCHEMA_LINE, '# TODO'))).toEqual([
      expect.objectContaining({ rule: 'fileIsNotEmpty', line: 1, col: 1, message: 'the file has no data, only comments; add its fields, or delete the file' }),
    ]);
  });

  it('rejects explicit tags, including !!binary which even the core schema would decode', async () => {
    const problems = await problemsOf(USER, userYaml('bob@example.gov.uk', 'reason: !!binary aGVsbG8=', 'github: !custom bob'));
    expect(problems).toEqual([
      expect.objectContaining({ rule: 'fileHasNoTags', line: 6, col: 9, message: expect.stringContaining('tag !!binary is not allowed') }),
      expect.objectContaining({ rule: 'fileHasNoTags', line: 7, col: 9, message: expect.stringContaining('tag !custom is not allowed') }),
    ]);
  });

  it('rejects control characters written as escapes', async () => {
    expect(await problemsOf(USER, userYaml('bob@example.gov.uk', 'reason: "a\\u001b[2Jb"'))).toEqual([
      expect.objectContaining({ rule: 'fileHasNoControlCharacters', line: 6, col: 9 }),
    ]);
  });

  it('reports syntax errors with their position and no code frame', async () => {
    const problems = await problemsOf(USER, lines(USER_SCHEMA_LINE, 'email: bob@example.gov.uk', 'name: [Bob', 'team: platform'));
    expect(problems[0]).toMatchObject({ rule: 'fileIsValidYaml', line: 4, message: expect.stringMatching(/^YAML syntax error: [^\n]*; fix the syntax here/) });
  });

  it('survives deep nesting within the size limit', async () => {
    const problems = await problemsOf(USER, `${USER_SCHEMA_LINE}\nreason: ${'['.repeat(60_000)}`);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('keys are always strings, so a numeric tag key is found by its position', async () => {
    const problems = await problemsOf('accounts/team-prod.yaml', accountYaml('team-prod', 'tags:', '  123: [x]'));
    expect(problems).toEqual([expect.objectContaining({ line: 14, col: 8, message: 'tags.123 must be a string, not a list' })]);
  });

  it('parseYamlFile never throws, whatever the bytes', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => (seed * 7919 + i * 104729) % 127 || 10));
      expect(() => parseYamlFile('users/x.yaml', bytes)).not.toThrow();
    }
  });
});

describe('the schema comment on line 1', () => {
  it('is asked for, as a warning: it helps editors and changes nothing in the data', async () => {
    const content = userYaml('bob@example.gov.uk').split('\n').slice(1).join('\n');
    expect(await problemsOf(USER, content)).toEqual([
      {
        severity: 'warning',
        rule: 'fileStartsWithSchemaComment',
        file: USER,
        line: 1,
        col: 1,
        message: `the file does not start with the line "${USER_SCHEMA_LINE}", which lets editors check it as you type; add it as line 1, or run npm run validate -- --fix`,
      },
    ]);
  });

  it('must point at the schema for the file, relative to it', async () => {
    const content = userYaml('bob@example.gov.uk').replace(USER_SCHEMA_LINE, ACCOUNT_SCHEMA_LINE);
    expect(await problemsOf(USER, content)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        rule: 'fileStartsWithSchemaComment',
        line: 1,
        message: `line 1 should be exactly "${USER_SCHEMA_LINE}" (this file's schema, relative to the file), so editors check the file against the right schema; replace "${ACCOUNT_SCHEMA_LINE}" with it, or run npm run validate -- --fix`,
      }),
    ]);
    const settings = SETTINGS.replace('$schema=schema/', '$schema=../schema/');
    expect(await problemsOf('settings.yaml', settings)).toEqual([
      expect.objectContaining({ rule: 'fileStartsWithSchemaComment', message: expect.stringContaining('"# yaml-language-server: $schema=schema/settings.schema.json"') }),
    ]);
  });
});
