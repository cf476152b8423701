// How the terminal summary draws: Unicode marks on a UTF-8 terminal, plain
// ASCII otherwise (or with NO_COLOR); ANSI colours only for a person at a
// terminal. The text must read the same without either.

export interface Glyphs {
  ok: string;
  back: string;
  fail: string;
  arrow: string;
  sep: string;
  more: string;
  rule: string;
}

const UNICODE: Glyphs = { ok: '✓', back: '↩', fail: '✗', arrow: '→', sep: '·', more: '…', rule: '─' };
const ASCII: Glyphs = { ok: 'ok', back: '<-', fail: 'x', arrow: '->', sep: '|', more: '...', rule: '-' };

/** Unicode where the locale says UTF-8 and NO_COLOR is not set. */
export function glyphsFor(env: NodeJS.ProcessEnv): Glyphs {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return !env.NO_COLOR && /utf-?8/i.test(locale) ? UNICODE : ASCII;
}

export interface Styles {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

/** ANSI styles, or nothing. */
export function styles(on: boolean): Styles {
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}


/**
 * Words laid out in lines of at most `width` characters: the first line starts
 * with `first`, the others with `indent` spaces. A word longer than a line gets
 * a line of its own.
 */
export function wrap(first: string, words: string[], width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (const w of words) {
    const candidate = fresh ? line + w : `${line} ${w}`;
    if (!fresh && candidate.length > width) {
      lines.push(line);
      line = ' '.repeat(indent) + w;
    } else {
      line = candidate;
    }
    fresh = false;
  }
  lines.push(line);
  return lines;
}
