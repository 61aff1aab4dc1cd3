/**
 * A tiny ANSI colour helper. Renderers take a boolean and never look at the process themselves;
 * the CLI decides (a terminal, and NO_COLOR not set) with `isColorWanted`.
 */

export interface Palette {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

function style(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const plain = (text: string): string => text;

const COLORED: Palette = {
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
  bold: style(1, 22),
  dim: style(2, 22),
};

const PLAIN: Palette = { red: plain, green: plain, yellow: plain, cyan: plain, bold: plain, dim: plain };

/** Colour functions, or identity functions when colour is off. */
export function createPalette(enabled: boolean): Palette {
  return enabled ? COLORED : PLAIN;
}

/**
 * Colour only on a terminal, and never when NO_COLOR is set to a non-empty value
 * (https://no-color.org). FORCE_COLOR (non-empty, not "0") turns it on regardless of the terminal.
 */
export function isColorWanted(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  return stream.isTTY === true;
}

/** Removes ANSI escape sequences (for width calculations and tests). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
