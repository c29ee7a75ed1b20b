/**
 * PowerShell text for values put into the generated script. Single-quoted strings are verbatim in
 * PowerShell; a quote inside is doubled, and PowerShell counts the typographic quotes (U+2018–U+201B)
 * as quotes too, so they are doubled as well.
 */
export function psString(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** `@('a', 'b')`, or `@()` for none. */
export function psStringArray(items: readonly string[]): string {
  return `@(${items.map(psString).join(', ')})`;
}

/** A step as one PowerShell statement per line, indented. */
export function indent(lines: readonly string[], by: number): string[] {
  const pad = ' '.repeat(by);
  return lines.map((l) => (l === '' ? l : pad + l));
}
