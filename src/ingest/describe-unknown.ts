import { headerFields } from './csv-delimiter.js';
import { quoteForDiagnostic } from './limits.js';
import { decodeText, looksLikeText } from './text-decoding.js';
import { countText } from './count-text.js';

/** The kinds every file is tried as, for the one message an unrecognised file gets. */
export const KINDS_TRIED =
  'a topology file (kind: mailflow-topology), a certificate, a PowerShell export of Exchange objects (CSV, JSON, CLIXML, Format-List), a Microsoft 365 endpoints list, a message trace, an Exchange protocol or tracking log, a queue export, message headers or an NDR, a packet capture';

/**
 * What an unrecognised file looks like, from its first bytes, so that the admin sees at once
 * whether it is the wrong file or a format the tool does not read (e.g. "a CSV with columns
 * Date, From, To, … — not an Exchange export or message trace").
 */
export function describeUnknown(head: Uint8Array, size: number): string {
  if (size === 0) return 'an empty file';
  const archive = describeArchive(head);
  if (archive !== null) return archive;
  const text = decodeText(head.subarray(0, 16 * 1024));
  if (!looksLikeText(text)) {
    const hex = Buffer.from(head.subarray(0, 8)).toString('hex').replace(/(..)/g, '$1 ').trim();
    return `binary data (${countText(size)} bytes, starting ${hex})`;
  }
  const body = text.replace(/^\uFEFF/, '').trimStart();
  const firstLine = body.slice(0, Math.min(body.length, 4096)).split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (body.startsWith('{') || body.startsWith('[')) return `JSON text starting ${quote(firstLine)}`;
  if (body.startsWith('<')) {
    const tag = /^<\??([A-Za-z][\w:.-]{0,60})/.exec(body);
    return `XML or HTML${tag ? ` (<${tag[1]}>)` : ''}`;
  }
  const columns = headerFields(firstLine);
  if (columns.length >= 3 && columns.every((c) => c.length > 0 && c.length <= 64)) {
    const shown = columns.slice(0, 8).join(', ');
    return `a CSV with columns ${shown}${columns.length > 8 ? ', …' : ''} — not an Exchange export or message trace`;
  }
  return `text starting ${quote(firstLine)}`;
}

/**
 * Archives by their magic numbers. A zip inside a folder is not opened (zip-inputs.ts opens the
 * ones named on the command line): a case folder often holds the collection script's zip beside
 * the folder it was extracted to, and reading both would count every object twice.
 */
function describeArchive(head: Uint8Array): string | null {
  const b = (i: number): number => head[i] ?? -1;
  if (b(0) === 0x50 && b(1) === 0x4b && (b(2) === 3 || b(2) === 5) && (b(3) === 4 || b(3) === 6)) {
    return 'a zip archive, which is read only when named on the command line (mailflow-doctor diagnose FILE.zip), so that a folder holding both the zip and its extracted copy is not read twice';
  }
  if (b(0) === 0x1f && b(1) === 0x8b) return 'a gzip-compressed file: decompress it (gunzip, or 7-Zip on Windows) and give the file inside';
  if (b(0) === 0x37 && b(1) === 0x7a && b(2) === 0xbc && b(3) === 0xaf) return 'a 7z archive: extract it and give the folder, or save it as a zip';
  return null;
}

function quote(line: string): string {
  return `"${quoteForDiagnostic(line, 80)}"`;
}
