/**
 * The field separator of a CSV file, from its header line. `Export-Csv -UseCulture` writes the
 * culture's list separator — `;` on German, French and many other machines — instead of `,`; a
 * header of cmdlet property names never contains either, so counting them outside quotes decides.
 */
export type CsvDelimiter = ',' | ';' | '\t';

export function detectCsvDelimiter(headerLine: string): CsvDelimiter {
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  let quoted = false;
  const end = Math.min(headerLine.length, 64 * 1024);
  for (let i = 0; i < end; i++) {
    const c = headerLine.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 44) comma++;
    else if (c === 59) semicolon++;
    else if (c === 9) tab++;
    else if (c === 10 || c === 13) break;
  }
  if (semicolon > comma && semicolon >= tab) return ';';
  if (tab > comma && tab > semicolon) return '\t';
  return ',';
}

/**
 * The column names of a CSV header line, with the quotes Export-Csv puts around each removed.
 * Header names of the formats read here never hold a separator or a quote, so a split does.
 */
export function headerFields(headerLine: string, delimiter: CsvDelimiter = detectCsvDelimiter(headerLine)): string[] {
  return headerLine.split(delimiter).map((f) => f.trim().replace(/^"|"$/g, ''));
}
