/**
 * GitHub rejects comment and issue bodies over 65,536 characters (HTTP 422 "body is too long"), so a
 * large plan would leave the pull request without any plan at all. Bodies are cut instead, at a line
 * boundary, keeping the marker first and the Markdown well-formed, with a note saying where the rest is.
 */

export const GITHUB_BODY_LIMIT = 65_536;

export const CUT_NOTE =
  "> [!NOTE]\n> Cut to fit GitHub's 65,536-character limit. The full text is in the workflow run's summary and log.";

/**
 * `marker` (when given), a newline, then `body`; cut to `limit` characters (UTF-16 code units, which
 * is never fewer than GitHub's count) with closing fences and `</details>` added as needed.
 */
export function fitBody(body: string, marker?: string, limit: number = GITHUB_BODY_LIMIT): string {
  const head = marker === undefined ? '' : `${marker}\n`;
  const whole = head + body;
  if (whole.length <= limit) return whole;

  // Leave room for the note and for whatever closers the cut text needs (bounded below).
  const reserve = CUT_NOTE.length + 64;
  let room = Math.max(0, limit - head.length - reserve);
  for (;;) {
    const kept = cutAtLine(body, room);
    const closers = closersFor(kept);
    const text = `${head}${kept}${closers}\n\n${CUT_NOTE}\n`;
    if (text.length <= limit || room === 0) return text.slice(0, limit);
    room = Math.max(0, room - (text.length - limit));
  }
}

/** At most `room` characters of `text`, ending at a line break when there is one in the last quarter. */
function cutAtLine(text: string, room: number): string {
  let kept = text.slice(0, room);
  // Never split a surrogate pair.
  const last = kept.charCodeAt(kept.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) kept = kept.slice(0, -1);
  const newline = kept.lastIndexOf('\n');
  return newline >= room * 0.75 ? kept.slice(0, newline) : kept;
}

/** Closes a code fence and `<details>` blocks left open by the cut, so the note renders as Markdown. */
function closersFor(kept: string): string {
  let closers = '';
  const fences = kept.split('\n').filter((line) => /^\s*(```|~~~)/.test(line)).length;
  if (fences % 2 === 1) closers += '\n```';
  const opened = (kept.match(/<details\b/gi) ?? []).length;
  const closed = (kept.match(/<\/details>/gi) ?? []).length;
  for (let i = closed; i < opened; i += 1) closers += '\n</details>';
  return closers;
}
