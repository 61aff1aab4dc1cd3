/**
 * Validation holes found by trying hostile and careless input: each has a fixture asserting the
 * message, line and column. Invisible and look-alike characters are named with their code point,
 * name and column; nothing hostile crashes the parser.
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/core/problems.ts';
import { accountYaml, problemsIn, USER_SCHEMA_LINE } from './fixture-repo.ts';

const USER = 'users/bob@example.gov.uk.yaml';
const ACCOUNT = 'accounts/team-prod.yaml';

/** The problems of one file, as `line:col rule message`, so each assertion reads as the output does. */
async function reported(file: string, content: string): Promise<string[]> {
  const problems = (await problemsIn({ [file]: content })).filter((p: Problem) => p.file === file);
  return problems.map((p) => `${p.line}:${p.col} ${p.rule} ${p.message}`);
}

/** A user file with its fields given line by line (line 1 is the schema comment). */
function user(...lines: string[]): string {
  return [USER_SCHEMA_LINE, ...lines, ''].join('\n');
}

const BOB = ['email: bob@example.gov.uk', 'name: Bob Example', 'team: platform', 'requested_by: ann@example.gov.uk'];
const withLine = (index: number, line: string): string[] => BOB.map((l, i) => (i === index ? line : l));

describe('tag keys reserved by AWS, in any case', () => {
  it.each(['AWS:x', 'Aws:x', 'aWs:cost'])('%s is refused at its key', async (key) => {
    expect(await reported(ACCOUNT, accountYaml('team-prod', 'tags:', `  ${key}: value`))).toEqual([
      `14:3 fileMatchesSchema tags: key "${key}" starts with "aws:" (in any case), a prefix AWS reserves for its own tags; rename the key`,
    ]);
  });

  it('a key that merely contains aws: is fine', async () => {
    expect(await reported(ACCOUNT, accountYaml('team-prod', 'tags:', '  team-aws:x: value'))).toEqual([]);
  });
});

describe('account tag key __proto__', () => {
  it('is refused (JavaScript objects would silently drop it), at its key', async () => {
    expect(await reported(ACCOUNT, accountYaml('team-prod', 'tags:', '  owner: platform', '  __proto__: x'))).toEqual([
      '15:3 fileMatchesSchema tags: key "__proto__" is a special name in JavaScript (tools reading these files would drop or misread it); use another key',
    ]);
  });
});

describe('dots in the local part of an email', () => {
  it.each([
    ['bob..smith@example.gov.uk', 11, 'has two dots in a row before the @'],
    ['bob.@example.gov.uk', 11, 'has a dot just before the @'],
  ])('email %s', async (email, col, what) => {
    expect(await reported(USER, user(...withLine(0, `email: ${email}`)))).toEqual([
      `2:${col} fileMatchesSchema email: "${email}" ${what} (column ${col}); an email address has dots only between other characters, so check the address`,
    ]);
  });

  it('a leading dot, in requested_by', async () => {
    expect(await reported(USER, user(...withLine(3, 'requested_by: .ann@example.gov.uk')))).toEqual([
      '5:15 fileMatchesSchema requested_by: ".ann@example.gov.uk" starts with a dot (column 15); an email address has dots only between other characters, so check the address',
    ]);
  });

  it('in account files too (root_email, team.email, bootstrap users)', async () => {
    const problems = await reported(
      ACCOUNT,
      accountYaml('team-prod', 'root_email: aws..root@example.gov.uk', 'bootstrap:', '  users:', '    - ann.@example.gov.uk').replace(
        'email: platform@example.gov.uk',
        'email: platform..team@example.gov.uk',
      ),
    );
    expect(problems).toEqual([
      '7:18 fileMatchesSchema team.email: "platform..team@example.gov.uk" has two dots in a row before the @ (column 18); an email address has dots only between other characters, so check the address',
      '13:16 fileMatchesSchema root_email: "aws..root@example.gov.uk" has two dots in a row before the @ (column 16); an email address has dots only between other characters, so check the address',
      '16:10 fileMatchesSchema bootstrap.users[0]: "ann.@example.gov.uk" has a dot just before the @ (column 10); an email address has dots only between other characters, so check the address',
    ]);
  });
});

describe('names with nothing to read', () => {
  it.each([
    ['spaces', 'name: "   "', '"   "'],
    ['no-break spaces', 'name: "\u00a0\u00a0"', '"\u00a0\u00a0"'],
    ['combining marks', 'name: "\u0301\u0308"', '"\u0301\u0308"'],
    ['punctuation', "name: \"'-.\"", "\"'-.\""],
  ])('only %s', async (_what, line, shown) => {
    expect(await reported(USER, user(...withLine(1, line)))).toEqual([
      `3:7 fileMatchesSchema name: ${shown} has no letter, only spaces, combining marks or punctuation; write the person's name`,
    ]);
  });

  it('a combining mark with no letter before it', async () => {
    expect(await reported(USER, user(...withLine(1, 'name: "\u0301Bob"')))).toEqual([
      '3:7 fileMatchesSchema name starts with U+0301 (a combining mark), which has no letter before it to combine with; delete it',
    ]);
  });

  it('accents, apostrophes and scripts other than Latin are still names', async () => {
    for (const name of ["Zoë O'Brien-Łukasiewicz", 'Ана Петровић', '李小龙', 'Jos\u0065\u0301']) {
      expect(await reported(USER, user(...withLine(1, `name: "${name}"`)))).toEqual([]);
    }
  });
});

describe('names that reach people are plain', () => {
  it.each([
    ['URGENT re-verify at https://aws.evil.example', '":"', 33],
    ['Bob Example: call me', '":"', 19],
    ['Bob @team Example', '"@"', 12],
    ['Bob / Example', '"/"', 12],
    ['Bob Example 2', 'U+0032 ("2", a digit)', 20],
    ['Bob (Example)', '"("', 12],
    ['Bob, Example', '","', 11],
  ])('%s is refused at the character, saying what a name may hold', async (name, shown, col) => {
    const problems = await reported(USER, user(...withLine(1, `name: "${name}"`)));
    expect(problems.filter((p) => p.includes('fileMatchesSchema'))).toEqual([
      `3:${col} fileMatchesSchema name contains ${shown} at column ${col}; a name has only letters, spaces, apostrophes, hyphens and full stops (no digits, no web address, no ":", "/" or "@"), because it is copied into emails: write the person's name only`,
    ]);
  });

  it('a full stop followed by letters reads as a web address', async () => {
    expect(await reported(USER, user(...withLine(1, 'name: Re-verify at www.evil.example')))).toEqual([
      '3:23 fileMatchesSchema name: "Re-verify at www.evil.example" has a full stop followed directly by letters (column 23), which reads as a web address in an email; write a space after the full stop ("Re-verify at www. evil. example")',
    ]);
    expect(await reported(USER, user(...withLine(1, 'name: Anne St.John')))).toEqual([
      '3:14 fileMatchesSchema name: "Anne St.John" has a full stop followed directly by letters (column 14), which reads as a web address in an email; write a space after the full stop ("Anne St. John")',
    ]);
  });

  it('initials, accents, apostrophes and hyphens are names', async () => {
    for (const name of ['J.R.R. Tolkien', 'Anne St. John', "Siobhán O’Neill-Nic Giolla Phádraig", 'Dr. Ada Lovelace']) {
      expect(await reported(USER, user(...withLine(1, `name: "${name}"`)))).toEqual([]);
    }
  });
});

describe('emails are what both IAM and email accept', () => {
  it('a comma (IAM takes it in a user name; SES refuses the address) is refused at the comma', async () => {
    const file = 'users/bob,smith@example.gov.uk.yaml';
    expect(await reported(file, user('email: "bob,smith@example.gov.uk"', ...BOB.slice(1)))).toEqual([
      '2:12 fileMatchesSchema email: "bob,smith@example.gov.uk" contains a comma (column 12), which IAM allows in a user name but an email address may not hold; write the address the person receives mail at (letters, digits and . _ + = - before the @)',
    ]);
    expect(await reported(USER, user(...withLine(3, 'requested_by: ann,lee@example.gov.uk')))).toEqual([
      '5:18 fileMatchesSchema requested_by: "ann,lee@example.gov.uk" contains a comma (column 18), which IAM allows in a user name but an email address may not hold; write the address the person receives mail at (letters, digits and . _ + = - before the @)',
    ]);
  });

  it('a domain part that starts or ends with a hyphen (IAM takes it; no mail server does)', async () => {
    expect(await reported(USER, user(...withLine(3, 'requested_by: ann@example-.gov.uk')))).toEqual([
      '5:26 fileMatchesSchema requested_by: "ann@example-.gov.uk" has a part of its domain that starts or ends with "-" (column 26), which no mail server accepts; check the address',
    ]);
    expect(await reported(USER, user(...withLine(3, 'requested_by: ann@-x.gov.uk')))).toEqual([
      '5:19 fileMatchesSchema requested_by: "ann@-x.gov.uk" has a part of its domain that starts or ends with "-" (column 19), which no mail server accepts; check the address',
    ]);
  });

  it('in account files too (team.email, bootstrap users)', async () => {
    const problems = await reported(
      ACCOUNT,
      accountYaml('team-prod', 'bootstrap:', '  users:', '    - ann,lee@example.gov.uk').replace('email: platform@example.gov.uk', 'email: platform,team@example.gov.uk'),
    );
    expect(problems).toEqual([
      '7:18 fileMatchesSchema team.email: "platform,team@example.gov.uk" contains a comma (column 18), which IAM allows in a user name but an email address may not hold; write the address the person receives mail at (letters, digits and . _ + = - before the @)',
      '15:10 fileMatchesSchema bootstrap.users[0]: "ann,lee@example.gov.uk" contains a comma (column 10), which IAM allows in a user name but an email address may not hold; write the address the person receives mail at (letters, digits and . _ + = - before the @)',
    ]);
  });
});

describe('invisible characters are named, with their column', () => {
  it.each([
    ['U+16FE4 KHITAN SMALL SCRIPT FILLER', '\u{16FE4}'],
    ['U+2800 BRAILLE PATTERN BLANK', '\u2800'],
    ['U+E0041 (a control or unassigned character)', '\u{E0041}'],
    ['U+1D173 (a control or unassigned character)', '\u{1D173}'],
  ])('%s, found by its Unicode properties', async (named, character) => {
    expect(await reported(USER, user(...withLine(1, `name: Bob${character} Example`)))).toEqual([
      `3:10 fileHasNoInvisibleCharacters name contains ${named} at column 10, an invisible character, so the text is not what reviewers see; delete it (retype the text around it if unsure)`,
    ]);
  });

  it.each([
    ['U+2028 LINE SEPARATOR', '\u2028'],
    ['U+2029 PARAGRAPH SEPARATOR', '\u2029'],
    ['U+200B ZERO WIDTH SPACE', '\u200b'],
    ['U+202E RIGHT-TO-LEFT OVERRIDE', '\u202e'],
    ['U+00AD SOFT HYPHEN', '\u00ad'],
  ])('%s in a name (and no second, vaguer message from the schema)', async (named, character) => {
    expect(await reported(USER, user(...withLine(1, `name: Bob${character} Example`)))).toEqual([
      `3:10 fileHasNoInvisibleCharacters name contains ${named} at column 10, an invisible character, so the text is not what reviewers see; delete it (retype the text around it if unsure)`,
    ]);
  });

  it('in an email, in a free-text reason and in a tag key', async () => {
    expect(await reported(USER, user(...withLine(0, 'email: bob\u200b@example.gov.uk'), 'reason: "To deploy \u2066the\u2069 app"'))).toEqual([
      '2:11 fileHasNoInvisibleCharacters email contains U+200B ZERO WIDTH SPACE at column 11, an invisible character, so the text is not what reviewers see; delete it (retype the text around it if unsure)',
      '6:20 fileHasNoInvisibleCharacters reason contains U+2066 LEFT-TO-RIGHT ISOLATE at column 20, an invisible character, so the text is not what reviewers see; delete it (retype the text around it if unsure)',
    ]);
    expect(await reported(ACCOUNT, accountYaml('team-prod', 'tags:', '  own\u200ber: platform'))).toEqual([
      '14:6 fileHasNoInvisibleCharacters the key "own\u200ber" contains U+200B ZERO WIDTH SPACE at column 6, an invisible character, so the text is not what reviewers see; delete it (retype the text around it if unsure)',
    ]);
  });

  it('written as an escape, at the value', async () => {
    expect(await reported(USER, user(...withLine(1, 'name: "Bob\\u200bExample"')))).toEqual([
      '3:7 fileHasNoInvisibleCharacters name contains U+200B ZERO WIDTH SPACE (written as an escape), an invisible character, so the text is not what reviewers see; delete it (retype the text around it if unsure)',
    ]);
  });
});

describe('look-alike characters in fields that take only ASCII', () => {
  it.each([
    ['email: bоb@example.gov.uk', 0, '2:9', 'email contains U+043E CYRILLIC SMALL LETTER O ("о") at column 9'],
    ['team: platform\u2013core', 2, '4:15', 'team contains U+2013 EN DASH ("–") at column 15'],
    ['requested_by: ann＠example.gov.uk', 3, '5:18', 'requested_by contains U+FF20 FULLWIDTH form of "@" ("＠") at column 18'],
    ['team: plat\u00a0form', 2, '4:11', 'team contains U+00A0 NO-BREAK SPACE at column 11'],
  ])('%s', async (line, index, at, what) => {
    expect(await reported(USER, user(...withLine(index, line)))).toEqual([
      `${at} fileMatchesSchema ${what}; this field takes ASCII letters, digits and punctuation only, and the character may merely look like one of them: retype it`,
    ]);
  });
});

describe('nesting too deep', () => {
  it('a clear message at the place it gets too deep, not "Maximum call stack size exceeded"', async () => {
    expect(await reported(USER, user(...BOB, `reason: ${'['.repeat(5_000)}${']'.repeat(5_000)}`))).toEqual([
      '6:39 fileIsNotNestedTooDeeply nesting too deep: values here are nested more than 32 levels deep, and data files need only a few (fields, lists, tags); check the brackets and indentation',
    ]);
  });

  it.each([
    ['flow mappings', `reason: ${'{a: '.repeat(8_000)}1${'}'.repeat(8_000)}`],
    ['one line of nested lists', `reason:\n${'- '.repeat(20_000)}x`],
    ['indentation', Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
  ])('%s', async (_what, text) => {
    const problems = await reported(USER, `${USER_SCHEMA_LINE}\n${text}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\d+:\d+ fileIsNotNestedTooDeeply nesting too deep: /);
  });

  it('files as nested as real data need are untouched', async () => {
    expect(await reported(ACCOUNT, accountYaml('team-prod', 'bootstrap:', '  users:', '    - ann@example.gov.uk', 'tags:', '  a: b'))).toEqual([]);
  });
});

