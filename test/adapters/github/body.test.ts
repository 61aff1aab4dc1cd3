import { describe, expect, it } from 'vitest';
import { CUT_NOTE, GITHUB_BODY_LIMIT, fitBody } from '../../../src/adapters/github/body.ts';

const MARKER = '<!-- m -->';

describe('fitBody', () => {
  it('keeps a body that fits, marker first', () => {
    expect(fitBody('hello', MARKER)).toBe(`${MARKER}\nhello`);
    expect(fitBody('hello')).toBe('hello');
  });

  it('keeps a body of exactly the limit', () => {
    const body = 'x'.repeat(GITHUB_BODY_LIMIT - MARKER.length - 1);
    expect(fitBody(body, MARKER)).toHaveLength(GITHUB_BODY_LIMIT);
  });

  it('cuts at a line, under the limit, with the note', () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n');
    const text = fitBody(body, MARKER);
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(text.startsWith(`${MARKER}\nline 0\n`)).toBe(true);
    expect(text.endsWith(`${CUT_NOTE}\n`)).toBe(true);
    const beforeNote = text.slice(0, text.indexOf(CUT_NOTE)).trimEnd();
    expect(beforeNote).toMatch(/\nline \d+$/);
  });

  it('closes a code fence and <details> the cut left open', () => {
    const body = `<details><summary>plan</summary>\n\n\`\`\`diff\n${'+ user\n'.repeat(20_000)}\`\`\`\n</details>\n`;
    const text = fitBody(body, MARKER);
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    const cut = text.slice(0, text.indexOf(CUT_NOTE));
    expect(cut.match(/```/g)).toHaveLength(2);
    expect(cut).toContain('</details>');
  });

  it('never splits a surrogate pair', () => {
    const text = fitBody('😀'.repeat(40_000), undefined, 1_000);
    expect(text.length).toBeLessThanOrEqual(1_000);
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
