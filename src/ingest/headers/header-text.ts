/**
 * Text of header lines as admins have them: mostly ASCII, sometimes raw 8-bit (RFC 6532 UTF-8, or
 * a legacy charset a broken MTA let through), sometimes RFC 2047 encoded words.
 */

import { decodeUtf8OrLatin1 } from '../text-decoding.js';

/**
 * One line's bytes as text: UTF-8 when the bytes are valid UTF-8 (RFC 6532 allows it in header
 * fields), otherwise Latin-1, which maps every byte to one character so nothing is lost or replaced
 * (the shared decoding of text-decoding.ts).
 */
export const decodeLineBytes: (bytes: Uint8Array) => string = decodeUtf8OrLatin1;

/** `=?charset[*lang]?B|Q?text?=` (RFC 2047 §2, RFC 2231 §5 language suffix). */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

const decoders = new Map<string, TextDecoder | null>();

/**
 * The WHATWG Encoding Standard reads `iso-8859-1`, `latin1`, `us-ascii` and `windows-1252` all as
 * windows-1252, where 0x80–0x9F are € ‚ ƒ „ … and so on; Node's TextDecoder decodes these labels as
 * ISO-8859-1 (C1 controls), so the 32 differing bytes are mapped here.
 */
const WINDOWS_1252_LABELS = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso_8859-1', 'cp819', 'ibm819']);
const WINDOWS_1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80]! : String.fromCharCode(b);
  return out;
}

function decoderFor(charset: string): TextDecoder | null {
  const key = charset.toLowerCase();
  let d = decoders.get(key);
  if (d === undefined) {
    try {
      d = new TextDecoder(key, { fatal: true });
    } catch {
      d = null;
    }
    decoders.set(key, d);
  }
  return d;
}

function decodeWord(charset: string, encoding: string, text: string): string | null {
  const windows1252 = WINDOWS_1252_LABELS.has(charset.toLowerCase());
  const decoder = windows1252 ? null : decoderFor(charset);
  if (!decoder && !windows1252) return null;
  let bytes: Buffer;
  if (encoding === 'B' || encoding === 'b') {
    // RFC 2047 §4.1: base64 of RFC 2045; a length that is not a multiple of 4 or a stray character is malformed.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
    bytes = Buffer.from(text, 'base64');
  } else {
    // RFC 2047 §4.2: "_" is space, "=XX" a byte in hex.
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '_') out.push(0x20);
      else if (c === '=') {
        const hex = text.slice(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
        out.push(parseInt(hex, 16));
        i += 2;
      } else out.push(c.charCodeAt(0) & 0xff);
    }
    bytes = Buffer.from(out);
  }
  if (windows1252) return decodeWindows1252(bytes);
  try {
    return decoder!.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Decodes RFC 2047 encoded words in an unstructured value. Whitespace between two adjacent
 * encoded words is dropped (RFC 2047 §6.2); a word that is malformed or in a charset the runtime
 * cannot decode is kept exactly as written.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let previousWasEncoded = false;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const start = m.index!;
    const between = value.slice(last, start);
    const decoded = decodeWord(m[1]!, m[2]!, m[3]!);
    if (decoded === null) {
      out += between + m[0];
      previousWasEncoded = false;
    } else {
      out += previousWasEncoded && /^[ \t]*$/.test(between) ? '' : between;
      out += decoded;
      previousWasEncoded = true;
    }
    last = start + m[0].length;
  }
  return out + value.slice(last);
}
