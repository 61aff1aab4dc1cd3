import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners } from '../../src/config/codeowners.ts';

const owners = (text: string, path: string): string[] => ownersOf(parseCodeowners('CODEOWNERS', text), path);

describe('CODEOWNERS matching', () => {
  it.each([
    // pattern, path, matches
    ['*', 'settings.yaml', true],
    ['*', 'users/a.yaml', true],
    ['*.yaml', 'users/a.yaml', true],
    ['*.yaml', 'CODEOWNERS', false],
    ['/users/', 'users/a.yaml', true],
    ['/users/', 'x/users/a.yaml', false],
    ['users/', 'x/users/a.yaml', true],
    ['users', 'users/a.yaml', true],
    ['/settings.yaml', 'settings.yaml', true],
    ['/settings.yaml', 'x/settings.yaml', false],
    ['settings.yaml', 'x/settings.yaml', true],
    ['docs/*', 'docs/a.md', true],
    ['docs/*', 'docs/b/c.md', false],
    ['/users/**', 'users/a/b.yaml', true],
    ['**/a.yaml', 'users/a.yaml', true],
    ['users/a?.yaml', 'users/ab.yaml', true],
    ['users/a?.yaml', 'users/a/.yaml', false],
    ['/users/a.yaml', 'users/aXyaml', false],
  ])('%s on %s: %s', (pattern, path, matches) => {
    expect(owners(`${pattern} @org/team\n`, path)).toEqual(matches ? ['@org/team'] : []);
  });

  it('the last matching line wins, and a line with no owners clears ownership', () => {
    const text = '* @org/platform\n/users/ @org/reviewers @someone\n/users/x.yaml\n';
    expect(owners(text, 'settings.yaml')).toEqual(['@org/platform']);
    expect(owners(text, 'users/a.yaml')).toEqual(['@org/reviewers', '@someone']);
    expect(owners(text, 'users/x.yaml')).toEqual([]);
  });

  it('accepts comments, blank lines and email owners; reports unsupported syntax by line and column', () => {
    const parsed = parseCodeowners('CODEOWNERS', '# comment\n\n/a/ someone@example.com\n[x] @o\n/b/ not-an-owner\n\\#x @o\n');
    expect(parsed.rules.map((r) => r.pattern)).toEqual(['/a/']);
    expect(parsed.problems.map((p) => [p.line, p.col, p.message])).toEqual([
      [4, 1, '"[x]": GitHub does not support character ranges ([ ]) in CODEOWNERS; spell the paths out'],
      [5, 5, '"not-an-owner" is not a valid owner: owners are @user, @org/team or an email address'],
      [6, 1, '"\\#x": GitHub does not support escaping # in CODEOWNERS; use a pattern that does not start with #'],
    ]);
  });
});
