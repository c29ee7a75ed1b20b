/**
 * `Format-List` / `Format-Table` output (what the console shows, or `… | Out-File` without an
 * export cmdlet) is text for the screen: long values are cut with `...`, lists are shortened to a
 * few items with `{a, b, c...}`, and Format-Table drops every property that does not fit. It is
 * recognised by shape (FORMATS.md 4.3b) so the admin is told what to run instead, never read as data.
 */

/**
 * `Name              : value` — property names padded to one column, then ` : ` (or ` :` and the
 * end of the line for an empty value). Names hold letters, digits and underscores: a historical
 * search report's columns (`origin_timestamp_utc`, `sender_address`, FORMATS.md 1c) seen through
 * `Import-Csv … | Format-List`.
 */
const LIST_LINE = /^([A-Za-z][A-Za-z0-9_]*)( +):(?: |$)/;
/** Format-Table's rule under the header: `----  ----------  -------`. */
const TABLE_RULE = /^-{2,}(?: +-{2,})+\s*$/;

export interface FormattedText {
  style: 'Format-List' | 'Format-Table';
  /** Property names seen, to tell which Get-* cmdlet produced the text. */
  propertyNames: string[];
}

export function detectFormattedText(sample: string): FormattedText | null {
  const lines = sample.replace(/^\uFEFF/, '').split(/\r?\n/).slice(0, 200);
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  const ruleAt = nonEmpty.slice(0, 6).findIndex((l) => TABLE_RULE.test(l.trim()));
  if (ruleAt > 0) {
    const header = nonEmpty[ruleAt - 1] as string;
    return { style: 'Format-Table', propertyNames: header.trim().split(/\s+/) };
  }
  // Format-List pads every name of a block to the same width, so the colons line up.
  const names: string[] = [];
  const colonColumns = new Map<number, number>();
  for (const line of nonEmpty) {
    const m = LIST_LINE.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    names.push(m[1]);
    const col = m[1].length + m[2].length;
    colonColumns.set(col, (colonColumns.get(col) ?? 0) + 1);
  }
  const aligned = Math.max(0, ...colonColumns.values());
  if (aligned >= 3 && aligned >= nonEmpty.length / 2) return { style: 'Format-List', propertyNames: [...new Set(names)] };
  return null;
}
