import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function fixtureText(...parts: string[]): string {
  return readFileSync(fixture(...parts), 'utf8');
}

/**
 * 1-based line and column of `needle` in a fixture's text (the `occurrence`-th match), so a test
 * states the position it expects from the fixture itself, not from the reader's output.
 */
export function positionOf(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${occurrence} times`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return { line, column };
}

export function locationOf(file: string, text: string, needle: string, occurrence = 1): string {
  const p = positionOf(text, needle, occurrence);
  return `${file}:${p.line}:${p.column}`;
}
