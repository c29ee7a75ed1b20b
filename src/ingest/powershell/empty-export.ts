import { detectClixml } from './read-clixml.js';

/**
 * What PowerShell writes when the cmdlet returned nothing (a tenant without inbound connectors, a
 * server without custom receive connectors): not a broken or unknown file, an export of no objects.
 * - `Get-X | ConvertTo-Json > f` or `Export-Csv`/`Out-File` of an empty pipeline: an empty file (or a BOM, line breaks);
 * - `ConvertTo-Json -InputObject @(Get-X)`: `[]`; `$null | ConvertTo-Json`: `null`;
 * - Export-Csv in Windows PowerShell 5.1 of objects selected down to nothing: `#TYPE …` alone, or
 *   the quoted header row alone;
 * - `Export-Clixml` of nothing: `<Objs …/>` or `<Objs …></Objs>` without an `<Obj>`.
 * Only a whole file is judged: an export with objects is longer than any of these.
 */

/** A line of quoted identifiers, as Export-Csv writes its header (`"Name","Enabled",…`). */
const QUOTED_HEADER = /^"[A-Za-z_][\w.]*"(?:,"[A-Za-z_][\w.]*")*$/;
/** The same without quotes (PowerShell 7 `-UseQuotes Never`): at least two names, so a word alone is not taken for one. */
const PLAIN_HEADER = /^[A-Za-z_][\w.]*(?:,[A-Za-z_][\w.]*)+$/;
const TYPE_LINE = /^#TYPE [^\r\n]+$/;

/** Empty exports are tiny; anything longer is not one. */
const MAX_EMPTY_EXPORT = 64 * 1024;

export function isEmptyExport(wholeText: string): boolean {
  if (wholeText.length > MAX_EMPTY_EXPORT) return false;
  const t = wholeText.replace(/^\uFEFF/, '').trim();
  if (t === '' || t === 'null' || /^\[\s*\]$/.test(t)) return true;
  if (detectClixml(t)) return !/<Obj\b/.test(t);
  // A CSV export of objects has more than two lines; only short texts are split (every export passes here).
  if (lineBreaksAtLeast(t, 3)) return false;
  const lines = t.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0 || lines.length > 2) return false;
  const [first, second] = lines as [string, string | undefined];
  if (TYPE_LINE.test(first)) return second === undefined || QUOTED_HEADER.test(second.trim()) || PLAIN_HEADER.test(second.trim());
  return second === undefined && (QUOTED_HEADER.test(first.trim()) || PLAIN_HEADER.test(first.trim()));
}

function lineBreaksAtLeast(text: string, n: number): boolean {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return false;
  }
  return true;
}
