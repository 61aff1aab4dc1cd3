/**
 * CODEOWNERS as GitHub reads it: gitignore-like patterns, one per line, each followed by owners;
 * the last matching line wins, and a line with no owners clears ownership. `!` negation, `[ ]`
 * ranges and `\#` escapes are not supported by GitHub, so they are reported rather than guessed.
 */
import { anError, type Problem } from '../core/problems.ts';

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  regex: RegExp;
}

export interface Codeowners {
  file: string;
  rules: CodeownersRule[];
  problems: Problem[];
}

const RULE = 'codeownersLinesAreValid';
/** `@user`, `@org/team`, or an email address. */
const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

export function parseCodeowners(file: string, text: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const problems: Problem[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [pattern = '', ...owners] = trimmed.split(/\s+/);
    const col = raw.indexOf(pattern) + 1;
    const fail = (message: string, at = col): void => {
      problems.push(anError(RULE, file, { line, col: at }, message));
    };
    if (pattern.startsWith('!')) {
      fail(`"${pattern}": GitHub does not support negated patterns (!) in CODEOWNERS; list the paths that should be owned instead`);
      continue;
    }
    if (/[[\]]/.test(pattern)) {
      fail(`"${pattern}": GitHub does not support character ranges ([ ]) in CODEOWNERS; spell the paths out`);
      continue;
    }
    if (pattern.startsWith('\\#')) {
      fail(`"${pattern}": GitHub does not support escaping # in CODEOWNERS; use a pattern that does not start with #`);
      continue;
    }
    const badOwner = owners.find((owner) => !OWNER.test(owner));
    if (badOwner !== undefined) {
      const hint = badOwner.startsWith('#')
        ? 'GitHub does not allow comments after a pattern; move the comment to its own line'
        : 'owners are @user, @org/team or an email address';
      fail(`"${badOwner}" is not a valid owner: ${hint}`, raw.indexOf(badOwner, col - 1 + pattern.length) + 1);
      continue;
    }
    rules.push({ pattern, owners, line, regex: patternToRegex(pattern) });
  }
  return { file, rules, problems };
}

/** The owners of a path (relative, with `/`): the last matching rule's, or none. */
export function ownersOf(codeowners: Codeowners, path: string): string[] {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (rule?.regex.test(path)) return rule.owners;
  }
  return [];
}

/**
 * gitignore semantics, as GitHub documents them for CODEOWNERS: a pattern with a `/` at the start
 * or in the middle is anchored at the root, otherwise it matches at any depth; a trailing `/`
 * matches only directories (so everything below them); a match on a directory owns everything
 * below it, except that `dir/*` owns only the files directly in dir.
 */
export function patternToRegex(pattern: string): RegExp {
  const directoryOnly = pattern.endsWith('/');
  let body = directoryOnly ? pattern.slice(0, -1) : pattern;
  const anchored = body.startsWith('/') || body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  let source = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    if (char === '*' && body[i + 1] === '*') {
      const slashAfter = body[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  const endsWithSingleStar = /(^|\/)\*$/.test(body) && !body.endsWith('**');
  const suffix = directoryOnly ? '/.*$' : endsWithSingleStar && anchored ? '$' : '(?:/.*)?$';
  return new RegExp(`${prefix}${source}${suffix}`);
}
