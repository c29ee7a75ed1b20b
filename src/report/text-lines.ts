/**
 * Lines of a text report, wrapped to a terminal's width where they are prose. Commands, paths and
 * table-like lines are never wrapped: a command broken over two lines cannot be pasted.
 */

import { visibleLine } from './visible-text.js';

// ANSI colour codes take no columns on screen.
const ANSI = /\x1b\[[0-9;]*m/g;

export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

export class TextLines {
  readonly lines: string[] = [];

  constructor(private readonly width: number | null | undefined) {}

  /**
   * Prose: wrapped at the width; continuation lines keep the first line's indent plus `hang` spaces.
   * Text from the input (banners, replies, names in evidence) may hold control characters: they are
   * shown escaped, so they can neither forge report lines nor drive the terminal (visible-text.ts).
   */
  text(text: string, hang = 2): this {
    const line = visibleLine(text);
    if (!this.width || visibleLength(line) <= this.width) {
      this.lines.push(line);
      return this;
    }
    const indent = line.length - line.trimStart().length;
    const words = line.slice(indent).split(' ');
    const lead = ' '.repeat(indent);
    const cont = ' '.repeat(Math.min(indent + hang, Math.floor(this.width / 2)));
    let current = lead;
    let currentLength = indent;
    let empty = true;
    for (const word of words) {
      const w = visibleLength(word);
      if (!empty && currentLength + 1 + w > this.width) {
        this.lines.push(current);
        current = cont + word;
        currentLength = cont.length + w;
        continue;
      }
      current += empty ? word : ` ${word}`;
      currentLength += empty ? w : w + 1;
      empty = false;
    }
    this.lines.push(current);
    return this;
  }

  /** Verbatim: never wrapped (control characters shown escaped, as in text()). */
  raw(line: string): this {
    this.lines.push(visibleLine(line));
    return this;
  }

  blank(): this {
    this.lines.push('');
    return this;
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** How many items of a list to show unless `--full`: the rest is counted, not printed. */
export const LIST_CAP = 5;

/** The first `cap` items (all with `full`), and the line that counts the rest (null when none is left out). */
export function capped<T>(items: readonly T[], full: boolean | undefined, cap = LIST_CAP): { shown: readonly T[]; more: string | null } {
  if (full || items.length <= cap) return { shown: items, more: null };
  return { shown: items.slice(0, cap), more: `… and ${items.length - cap} more (--full shows all)` };
}
