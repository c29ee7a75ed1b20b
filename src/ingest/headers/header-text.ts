/**
 * Text of header lines as admins have them: mostly ASCII, sometimes raw 8-bit (RFC 6532 UTF-8, or
 * a legacy charset a broken MTA let through), sometimes RFC 2047 encoded words.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One line's bytes as text: UTF-8 when the bytes are valid UTF-8 (RFC 6532 allows it in header
 * fields), otherwise Latin-1, which maps every byte to one character so nothing is lost or replaced.
 */
export function decodeLineBytes(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return UTF8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/** `=?charset[*lang]?B|Q?text?=` (RFC 2047 §2, RFC 2231 §5 language suffix). */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

const decoders = new Map<string, TextDecoder | null>();

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
  const decoder = decoderFor(charset);
  if (!decoder) return null;
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
  try {
    return decoder.decode(bytes);
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
