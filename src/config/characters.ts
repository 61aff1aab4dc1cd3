/**
 * Characters that are not what they seem: invisible ones (format controls, line and paragraph
 * separators, fillers) and ones that look like ASCII but are not (Cyrillic "а", an en dash for "-",
 * a fullwidth "＠"). Validation names them, with their Unicode code point and name, so a person can
 * find and retype what they cannot see.
 */

/**
 * Invisible, by Unicode property rather than by list, so characters added to Unicode are caught
 * as the runtime learns them: every Default_Ignorable_Code_Point (zero-width spaces and joiners,
 * bidirectional controls, the soft hyphen, Hangul fillers, variation selectors, tags), every format
 * control (Cf), line and paragraph separators (Zl, Zp), and combining marks of an ideographic script:
 * ideographs take no marks, so such a mark is a filler drawn as nothing (U+16FE4 KHITAN SMALL SCRIPT
 * FILLER, which Unicode does not list as default-ignorable). One character no property names:
 * U+2800 BRAILLE PATTERN BLANK, a letter-like symbol drawn as a blank.
 */
// Built at run time: the `v` flag (set intersection, `&&`) is newer than the compiler's target.
const INVISIBLE = new RegExp(String.raw`[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Zl}\p{Zp}[\p{M}&&\p{Ideographic}]\u2800]`, 'v');

/** The first invisible character of `text` and its index (in UTF-16 units), if any. */
export function findInvisibleCharacter(text: string): { character: string; index: number } | undefined {
  const match = INVISIBLE.exec(text);
  return match === null ? undefined : { character: match[0], index: match.index };
}

export function isInvisibleCharacter(character: string): boolean {
  return INVISIBLE.test(character);
}

/** The first character of `text` outside printable ASCII, and its index, if any. */
export function findNonAsciiCharacter(text: string): { character: string; index: number } | undefined {
  const match = /[^\x20-\x7e]/u.exec(text);
  return match === null ? undefined : { character: match[0], index: match.index };
}

/**
 * `U+200B ZERO WIDTH SPACE`; `U+0430 CYRILLIC SMALL LETTER A ("а")` for a visible one. Names come
 * from the Unicode Character Database for the characters people paste by accident; others are
 * described by their script and kind.
 */
export function describeCharacter(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES.get(codePoint) ?? fullwidthName(codePoint);
  const visible = !isInvisibleCharacter(character) && !/[\p{Z}\p{M}]/u.test(character);
  if (name !== undefined) return `${hex} ${name}${visible ? ` ("${character}")` : ''}`;
  return `${hex} (${visible ? `"${character}", ` : ''}${kindOf(character)})`;
}

/** Halfwidth and Fullwidth Forms U+FF01-FF5E mirror ASCII U+0021-007E. */
function fullwidthName(codePoint: number): string | undefined {
  if (codePoint < 0xff01 || codePoint > 0xff5e) return undefined;
  return `FULLWIDTH form of "${String.fromCodePoint(codePoint - 0xff01 + 0x21)}"`;
}

const SCRIPTS = ['Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Devanagari', 'Cherokee', 'Han', 'Hiragana', 'Katakana', 'Hangul'] as const;

function kindOf(character: string): string {
  const script = SCRIPTS.find((candidate) => new RegExp(`^\\p{Script=${candidate}}$`, 'u').test(character));
  const kind = /\p{L}/u.test(character)
    ? 'letter'
    : /\p{N}/u.test(character)
      ? 'digit'
      : /\p{M}/u.test(character)
        ? 'combining mark'
        : /\p{P}/u.test(character)
          ? 'punctuation mark'
          : /\p{S}/u.test(character)
            ? 'symbol'
            : /\p{Z}/u.test(character)
              ? 'space'
              : 'control or unassigned character';
  return script === undefined ? `a ${kind}` : `a ${script} ${kind}`;
}

/** Code point (hex) and name, one a line, from the Unicode Character Database (version 14). */
const NAMES: ReadonlyMap<number, string> = new Map(
  `
00A0 NO-BREAK SPACE
00AD SOFT HYPHEN
00B7 MIDDLE DOT
0131 LATIN SMALL LETTER DOTLESS I
034F COMBINING GRAPHEME JOINER
0391 GREEK CAPITAL LETTER ALPHA
0392 GREEK CAPITAL LETTER BETA
0395 GREEK CAPITAL LETTER EPSILON
0396 GREEK CAPITAL LETTER ZETA
0397 GREEK CAPITAL LETTER ETA
0399 GREEK CAPITAL LETTER IOTA
039A GREEK CAPITAL LETTER KAPPA
039C GREEK CAPITAL LETTER MU
039D GREEK CAPITAL LETTER NU
039F GREEK CAPITAL LETTER OMICRON
03A1 GREEK CAPITAL LETTER RHO
03A4 GREEK CAPITAL LETTER TAU
03A5 GREEK CAPITAL LETTER UPSILON
03A7 GREEK CAPITAL LETTER CHI
03B1 GREEK SMALL LETTER ALPHA
03B9 GREEK SMALL LETTER IOTA
03BD GREEK SMALL LETTER NU
03BF GREEK SMALL LETTER OMICRON
03C1 GREEK SMALL LETTER RHO
03C5 GREEK SMALL LETTER UPSILON
0405 CYRILLIC CAPITAL LETTER DZE
0406 CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I
0408 CYRILLIC CAPITAL LETTER JE
0410 CYRILLIC CAPITAL LETTER A
0412 CYRILLIC CAPITAL LETTER VE
0415 CYRILLIC CAPITAL LETTER IE
041A CYRILLIC CAPITAL LETTER KA
041C CYRILLIC CAPITAL LETTER EM
041D CYRILLIC CAPITAL LETTER EN
041E CYRILLIC CAPITAL LETTER O
0420 CYRILLIC CAPITAL LETTER ER
0421 CYRILLIC CAPITAL LETTER ES
0422 CYRILLIC CAPITAL LETTER TE
0425 CYRILLIC CAPITAL LETTER HA
0430 CYRILLIC SMALL LETTER A
0432 CYRILLIC SMALL LETTER VE
0435 CYRILLIC SMALL LETTER IE
043A CYRILLIC SMALL LETTER KA
043C CYRILLIC SMALL LETTER EM
043D CYRILLIC SMALL LETTER EN
043E CYRILLIC SMALL LETTER O
0440 CYRILLIC SMALL LETTER ER
0441 CYRILLIC SMALL LETTER ES
0442 CYRILLIC SMALL LETTER TE
0443 CYRILLIC SMALL LETTER U
0445 CYRILLIC SMALL LETTER HA
0455 CYRILLIC SMALL LETTER DZE
0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
0458 CYRILLIC SMALL LETTER JE
04BB CYRILLIC SMALL LETTER SHHA
04CF CYRILLIC SMALL LETTER PALOCHKA
0501 CYRILLIC SMALL LETTER KOMI DE
051B CYRILLIC SMALL LETTER QA
051D CYRILLIC SMALL LETTER WE
0600 ARABIC NUMBER SIGN
0601 ARABIC SIGN SANAH
0602 ARABIC FOOTNOTE MARKER
0603 ARABIC SIGN SAFHA
0604 ARABIC SIGN SAMVAT
0605 ARABIC NUMBER MARK ABOVE
061C ARABIC LETTER MARK
06DD ARABIC END OF AYAH
070F SYRIAC ABBREVIATION MARK
0890 ARABIC POUND MARK ABOVE
0891 ARABIC PIASTRE MARK ABOVE
08E2 ARABIC DISPUTED END OF AYAH
115F HANGUL CHOSEONG FILLER
1160 HANGUL JUNGSEONG FILLER
1680 OGHAM SPACE MARK
17B4 KHMER VOWEL INHERENT AQ
17B5 KHMER VOWEL INHERENT AA
180B MONGOLIAN FREE VARIATION SELECTOR ONE
180C MONGOLIAN FREE VARIATION SELECTOR TWO
180D MONGOLIAN FREE VARIATION SELECTOR THREE
180E MONGOLIAN VOWEL SEPARATOR
180F MONGOLIAN FREE VARIATION SELECTOR FOUR
2000 EN QUAD
2001 EM QUAD
2002 EN SPACE
2003 EM SPACE
2004 THREE-PER-EM SPACE
2005 FOUR-PER-EM SPACE
2006 SIX-PER-EM SPACE
2007 FIGURE SPACE
2008 PUNCTUATION SPACE
2009 THIN SPACE
200A HAIR SPACE
200B ZERO WIDTH SPACE
200C ZERO WIDTH NON-JOINER
200D ZERO WIDTH JOINER
200E LEFT-TO-RIGHT MARK
200F RIGHT-TO-LEFT MARK
2010 HYPHEN
2011 NON-BREAKING HYPHEN
2012 FIGURE DASH
2013 EN DASH
2014 EM DASH
2015 HORIZONTAL BAR
2018 LEFT SINGLE QUOTATION MARK
2019 RIGHT SINGLE QUOTATION MARK
201C LEFT DOUBLE QUOTATION MARK
201D RIGHT DOUBLE QUOTATION MARK
2024 ONE DOT LEADER
2028 LINE SEPARATOR
2029 PARAGRAPH SEPARATOR
202A LEFT-TO-RIGHT EMBEDDING
202B RIGHT-TO-LEFT EMBEDDING
202C POP DIRECTIONAL FORMATTING
202D LEFT-TO-RIGHT OVERRIDE
202E RIGHT-TO-LEFT OVERRIDE
202F NARROW NO-BREAK SPACE
2032 PRIME
2044 FRACTION SLASH
205F MEDIUM MATHEMATICAL SPACE
2060 WORD JOINER
2061 FUNCTION APPLICATION
2062 INVISIBLE TIMES
2063 INVISIBLE SEPARATOR
2064 INVISIBLE PLUS
2066 LEFT-TO-RIGHT ISOLATE
2067 RIGHT-TO-LEFT ISOLATE
2068 FIRST STRONG ISOLATE
2069 POP DIRECTIONAL ISOLATE
206A INHIBIT SYMMETRIC SWAPPING
206B ACTIVATE SYMMETRIC SWAPPING
206C INHIBIT ARABIC FORM SHAPING
206D ACTIVATE ARABIC FORM SHAPING
206E NATIONAL DIGIT SHAPES
206F NOMINAL DIGIT SHAPES
2212 MINUS SIGN
2215 DIVISION SLASH
2800 BRAILLE PATTERN BLANK
3000 IDEOGRAPHIC SPACE
3002 IDEOGRAPHIC FULL STOP
3164 HANGUL FILLER
FE00 VARIATION SELECTOR-1
FE01 VARIATION SELECTOR-2
FE02 VARIATION SELECTOR-3
FE03 VARIATION SELECTOR-4
FE04 VARIATION SELECTOR-5
FE05 VARIATION SELECTOR-6
FE06 VARIATION SELECTOR-7
FE07 VARIATION SELECTOR-8
FE08 VARIATION SELECTOR-9
FE09 VARIATION SELECTOR-10
FE0A VARIATION SELECTOR-11
FE0B VARIATION SELECTOR-12
FE0C VARIATION SELECTOR-13
FE0D VARIATION SELECTOR-14
FE0E VARIATION SELECTOR-15
FE0F VARIATION SELECTOR-16
FE58 SMALL EM DASH
FE63 SMALL HYPHEN-MINUS
FE6B SMALL COMMERCIAL AT
FEFF ZERO WIDTH NO-BREAK SPACE
FFA0 HALFWIDTH HANGUL FILLER
FFF9 INTERLINEAR ANNOTATION ANCHOR
FFFA INTERLINEAR ANNOTATION SEPARATOR
FFFB INTERLINEAR ANNOTATION TERMINATOR
16FE4 KHITAN SMALL SCRIPT FILLER
`
    .trim()
    .split('\n')
    .map((line): [number, string] => [Number.parseInt(line.slice(0, line.indexOf(' ')), 16), line.slice(line.indexOf(' ') + 1)]),
);
