import { describe, expect, it } from 'vitest';
import { createPalette, isColorWanted, stripAnsi } from '../../src/render/color.ts';

describe('colour', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '0' }, false],
    [{ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ])('isTTY %j with env %j: %s', (stream, env, wanted) => {
    expect(isColorWanted(stream, env)).toBe(wanted);
  });

  it('is the identity when off', () => {
    const p = createPalette(false);
    expect(p.red(p.bold('x'))).toBe('x');
    expect(stripAnsi(createPalette(true).red('x'))).toBe('x');
  });
});
