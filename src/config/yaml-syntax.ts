/**
 * Plain words for the YAML mistakes people make most in small data files, found in the text itself
 * and placed where the mistake is. The `yaml` package reports a mistake where its parser notices it,
 * which is often somewhere else, in its own terms: an unclosed quote at the end of the file, a
 * missing colon as "Implicit keys need to be on a single line", a tab as a duplicate key further
 * down. Called only for text the `yaml` package refused, so a valid file is never second-guessed.
 *
 * Each finding is the first cause on its line; what the parser says at or after the first finding
 * follows from it and is dropped by the caller (see parse-yaml.ts).
 */
import type { Position } from '../core/problems.ts';

export interface SyntaxFinding {
  kind: 'tab' | 'unclosed-quote' | 'missing-colon';
  at: Position;
  message: string;
}

/** The first causes found, in file order: tabs used as indentation, unclosed quotes, missing colons. */
export function explainSyntaxErrors(text: string): SyntaxFinding[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const findings: SyntaxFinding[] = [];
  const lineKinds = classifyLines(lines, findings);
  findMissingColons(lines, lineKinds, findings);
  return findings.sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col);
}

type LineKind =
  | { kind: 'blank' }
  | { kind: 'key'; indent: number }
  | { kind: 'item'; indent: number }
  | { kind: 'text'; indent: number }
  /** Inside a quoted or block scalar, a document marker or directive, a flow collection: not judged. */
  | { kind: 'other' };

/**
 * What each line is, reporting on the way tabs in indentation and quotes not closed on their line.
 * A quoted value may legally run over several lines; it is reported only when it never closes, or
 * when a line it swallows reads like a field of its own (`team: platform`): then the quote was
 * meant to close on its first line.
 */
function classifyLines(lines: readonly string[], findings: SyntaxFinding[]): LineKind[] {
  const kinds: LineKind[] = [];
  let blockIndent: number | undefined; // inside a block scalar (| or >) of lines indented more than this
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const content = line.slice(indent);
    if (blockIndent !== undefined) {
      if (content === '' || indent > blockIndent) {
        kinds.push({ kind: 'other' });
        continue;
      }
      blockIndent = undefined;
    }
    if (content === '' || content.startsWith('#')) {
      kinds.push({ kind: 'blank' });
      continue;
    }
    if (/^[ \t]*\t/.test(line) && /^\t/.test(content)) {
      const tab = line.indexOf('\t');
      findings.push({
        kind: 'tab',
        at: { line: index + 1, col: tab + 1 },
        message: `this line is indented with a tab (column ${tab + 1}); YAML indentation takes spaces only: replace the tab with spaces, as many as the lines around it use`,
      });
      kinds.push({ kind: 'other' });
      continue;
    }
    if (/^(---|\.\.\.)(\s|$)/.test(content) || content.startsWith('%') || /^[[{]/.test(content)) {
      kinds.push({ kind: 'other' });
      continue;
    }
    // Step over list markers: `- `, `- - ` ...
    let start = indent;
    let item = false;
    while (/^-( |$)/.test(line.slice(start))) {
      item = true;
      start += 1;
      while (line[start] === ' ') start++;
    }
    const rest = line.slice(start);
    const colon = keyColon(rest);
    const valueStart = colon === undefined ? start : start + colon + 1 + (/^ */.exec(rest.slice(colon + 1))?.[0].length ?? 0);
    const quote = line[valueStart];
    if (quote === '"' || quote === "'") {
      const closedAt = closingQuote(line, valueStart + 1, quote);
      if (closedAt === undefined) {
        const swallowed = swallowedLines(lines, index, quote);
        if (swallowed.unclosed || swallowed.readsLikeAField) {
          const field = colon === undefined ? 'the value' : `the value of ${rest.slice(0, colon).trim()}`;
          findings.push({
            kind: 'unclosed-quote',
            at: { line: index + 1, col: valueStart + 1 },
            message: `the quote ${quote} that starts ${field} here is never closed on this line, so YAML reads the lines below as part of it; add the closing ${quote} at the end of the value`,
          });
        }
        kinds.push({ kind: 'other' });
        for (let skipped = 0; skipped < swallowed.count; skipped++) kinds.push({ kind: 'other' });
        index += swallowed.count;
        continue;
      }
    }
    if (colon !== undefined && /^[|>][-+0-9]*\s*(#.*)?$/.test(line.slice(valueStart))) blockIndent = indent;
    kinds.push(colon !== undefined ? { kind: 'key', indent } : item ? { kind: 'item', indent } : { kind: 'text', indent });
  }
  return kinds;
}

/** Where the `:` of `key: value` (or `key:`) is in a line's content, outside quotes; undefined: none. */
function keyColon(content: string): number | undefined {
  if (content.startsWith('"') || content.startsWith("'")) {
    const close = closingQuote(content, 1, content[0] === '"' ? '"' : "'");
    if (close === undefined) return undefined;
    return /^\s*:(\s|$)/.test(content.slice(close + 1)) ? content.indexOf(':', close + 1) : undefined;
  }
  const match = /:(\s|$)/.exec(content);
  if (match === null) return undefined;
  const hash = /(^|\s)#/.exec(content);
  return hash !== null && hash.index < match.index ? undefined : match.index;
}

/** Index of the quote that closes a quoted scalar opened before `from`, on the same line; undefined: not closed. */
function closingQuote(line: string, from: number, quote: '"' | "'"): number | undefined {
  for (let i = from; i < line.length; i++) {
    const char = line[i];
    if (quote === '"' && char === '\\') {
      i++;
      continue;
    }
    if (char !== quote) continue;
    if (quote === "'" && line[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return undefined;
}

/** The lines after `index` that a quote left open on it runs over, and whether it ever closes. */
function swallowedLines(lines: readonly string[], index: number, quote: '"' | "'"): { count: number; unclosed: boolean; readsLikeAField: boolean } {
  let readsLikeAField = false;
  for (let next = index + 1; next < lines.length; next++) {
    const line = lines[next] ?? '';
    if (/^\s*-?\s*[A-Za-z_][\w.-]*:(\s|$)/.test(line)) readsLikeAField = true;
    if (closingQuote(line, 0, quote) !== undefined) return { count: next - index, unclosed: false, readsLikeAField };
  }
  return { count: lines.length - 1 - index, unclosed: true, readsLikeAField };
}

/**
 * A line of bare text where a field belongs: beside a `key: value` line at the same indentation
 * (above or below it), with no colon, so YAML cannot tell the key from the value.
 */
function findMissingColons(lines: readonly string[], kinds: readonly LineKind[], findings: SyntaxFinding[]): void {
  const significant = (from: number, step: 1 | -1): LineKind | undefined => {
    for (let i = from + step; i >= 0 && i < kinds.length; i += step) {
      const kind = kinds[i];
      if (kind !== undefined && kind.kind !== 'blank') return kind;
    }
    return undefined;
  };
  for (const [index, kind] of kinds.entries()) {
    if (kind.kind !== 'text') continue;
    const before = significant(index, -1);
    const after = significant(index, 1);
    const sibling = (other: LineKind | undefined): boolean => other?.kind === 'key' && other.indent === kind.indent;
    if (!sibling(before) && !sibling(after) && !(kind.indent === 0 && before === undefined)) continue;
    const content = (lines[index] ?? '').slice(kind.indent).replace(/\s+#.*$/, '').trimEnd();
    const [key = '', ...value] = content.split(/\s+/);
    const suggestion = value.length === 0 ? `${key}: <value>` : `${key}: ${value.join(' ')}`;
    findings.push({
      kind: 'missing-colon',
      at: { line: index + 1, col: kind.indent + 1 },
      message: `"${content}" has no colon, so YAML cannot tell the field's name from its value; write the name, a colon and a space, then the value: ${suggestion}`,
    });
  }
}
