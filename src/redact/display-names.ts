import { detectCsvDelimiter, headerFields } from '../ingest/csv-delimiter.js';
import { CsvTokenizer } from '../ingest/trace/csv-tokenizer.js';
import { RULES } from '../rules/index.js';
import type { RedactionMap } from './redaction-map.js';

/**
 * People's display names in file text, wherever admins' files carry them: the phrase of an address
 * in a header field (RFC 5322 §3.4), folded continuation lines included (§2.2.3); the DisplayName
 * properties of exports as ConvertTo-Json, Export-Clixml, Format-List and Export-Csv (with or
 * without -UseCulture) write them. Their words become `name…` pseudonyms everywhere (addresses
 * themselves are handled as addresses).
 */

/** Address fields whose phrase (`"Ann Lee" <ann@…>`) names a person (RFC 5322 §3.4). */
const ADDRESS_FIELD = /^(?:from|to|cc|bcc|reply-to|sender|resent-from|resent-to|resent-sender|disposition-notification-to)[ \t]*:/i;
/** Export properties that hold a person's or mailbox's display name. */
const DISPLAY_NAME_PROPERTY = /(?:"(?:DisplayName|SimpleDisplayName)"\s*:\s*"([^"\r\n]{1,200})")|(?:<S N="(?:DisplayName|SimpleDisplayName)">([^<\r\n]{1,200})<\/S>)/g;
/** Format-List output: `DisplayName       : Ann Lee`. */
const DISPLAY_NAME_LIST_LINE = /^[ \t]*(?:DisplayName|SimpleDisplayName)[ \t]*:[ \t]*(\S[^\r\n]{0,199})$/gm;
const DISPLAY_NAME_COLUMNS = new Set(['displayname', 'simpledisplayname']);
/** Words the tool itself prints (rule ids): a display name must not rename them in a report. */
const TOOL_WORDS = new Set(RULES.flatMap((r) => r.id.split('-')));
/** Header lines are short; a longer line is body text or data, not an address field. */
const MAX_HEADER_LINE = 4096;

export function collectDisplayNames(text: string, map: RedactionMap): void {
  const register = (phrase: string): void => registerDisplayName(phrase, map);
  collectAddressPhrases(text, register);
  if (!text.includes('DisplayName')) return;
  for (const m of text.matchAll(DISPLAY_NAME_PROPERTY)) register(m[1] ?? m[2] ?? '');
  for (const m of text.matchAll(DISPLAY_NAME_LIST_LINE)) register(m[1]!);
  collectCsvDisplayNames(text, register);
}

/** Notes the words of a display name (the same phrase noted again adds nothing). */
export function registerDisplayName(phrase: string, map: RedactionMap): void {
  for (const w of phrase.split(/[^\p{L}\p{N}]+/u)) if (w.length >= 2 && !/^\d+$/.test(w) && !TOOL_WORDS.has(w.toLowerCase())) map.registerWord(w, 'name');
}

/** The phrases of address header fields, a field's folded lines read as part of it. */
export function collectAddressPhrases(text: string, register: (phrase: string) => void): void {
  let start = 0;
  let inAddressField = false;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const first = text.charCodeAt(start);
    const folded = first === 32 || first === 9;
    let value: string | null = null;
    if (end - start < MAX_HEADER_LINE) {
      if (folded && inAddressField) value = text.slice(start, end);
      else if (!folded) {
        inAddressField = ADDRESS_FIELD.test(text.slice(start, Math.min(end, start + 40)));
        if (inAddressField) value = text.slice(text.indexOf(':', start) + 1, end);
      }
    } else inAddressField = false;
    if (value !== null) {
      for (const part of value.split(',')) {
        const lt = part.indexOf('<');
        if (lt > 0) register(part.slice(0, lt));
      }
    }
    start = end + 1;
  }
}

/** The DisplayName column of an Export-Csv file (after an optional `#TYPE` line), any list separator. */
function collectCsvDisplayNames(text: string, register: (phrase: string) => void): void {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.startsWith('#TYPE', at)) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return;
    at = nl + 1;
  }
  let headerEnd = text.indexOf('\n', at);
  if (headerEnd < 0) headerEnd = text.length;
  const header = text.slice(at, headerEnd).replace(/\r$/, '');
  if (!header.includes('DisplayName')) return;
  const delimiter = detectCsvDelimiter(header);
  const columns = headerFields(header, delimiter).flatMap((name, i) => (DISPLAY_NAME_COLUMNS.has(name.toLowerCase()) ? [i] : []));
  if (columns.length === 0) return;
  const tokenizer = new CsvTokenizer(
    {
      row(t) {
        for (const i of columns) {
          const v = t.field(i);
          if (v.length > 0 && v.length <= 200) register(v);
        }
      },
      malformed() {},
    },
    delimiter,
  );
  tokenizer.push(text.slice(headerEnd + 1));
  tokenizer.end();
}
