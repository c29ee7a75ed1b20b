import type { PsValue } from './ps-record.js';

/**
 * Primitive values of PowerShell serialization (MS-PSRP 2.2.5.1), element name → how its text
 * becomes a PsValue. Anything not listed here is handled by the reader as a structure or unknown.
 */

/**
 * PowerShell writes characters XML cannot carry (CR, control characters, a literal `_x` that would
 * read as an escape) as `_xHHHH_`, one UTF-16 unit each, so surrogate pairs come out whole again.
 */
export function decodePsEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const INTEGER_TAGS = new Set(['I32', 'I64', 'U32', 'U64', 'I16', 'U16', 'By', 'SB']);
const FLOAT_TAGS = new Set(['Db', 'Sg', 'D']);
const STRING_TAGS = new Set(['S', 'G', 'URI', 'Version', 'DT', 'BA', 'XD', 'SBK']);

export function isPrimitiveTag(tag: string): boolean {
  return INTEGER_TAGS.has(tag) || FLOAT_TAGS.has(tag) || STRING_TAGS.has(tag) || tag === 'B' || tag === 'C' || tag === 'TS' || tag === 'SS';
}

/** The value of a primitive element, or `undefined` when its text does not fit the type (the caller keeps the text then). */
export function primitiveValue(tag: string, raw: string): PsValue | undefined {
  // A SecureString's content is encrypted for the exporting user; it is never worth passing on.
  if (tag === 'SS') return null;
  // Dates stay ISO strings with the offset the exporting machine wrote; bytes stay base64.
  if (STRING_TAGS.has(tag)) return decodePsEscapes(raw);
  const text = raw.trim();
  if (tag === 'B') return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : undefined;
  if (tag === 'TS') return timeSpanText(text);
  if (tag === 'C') return /^\d+$/.test(text) ? String.fromCharCode(Number(text)) : undefined;
  if (INTEGER_TAGS.has(tag)) {
    if (!/^[+-]?\d+$/.test(text)) return undefined;
    const n = Number(text);
    // 64-bit values past 2^53 would silently lose digits as numbers.
    return Number.isSafeInteger(n) ? n : text;
  }
  if (FLOAT_TAGS.has(tag)) {
    const n = Number(text);
    // INF, -INF and NaN (xs:double spellings) have no JSON number; keep them as written.
    return text !== '' && Number.isFinite(n) ? n : /^(-?INF|NaN)$/.test(text) ? text : undefined;
  }
  return undefined;
}

/**
 * `<TS>` holds an xs:duration (`P14DT2H`, `PT9.0269026S`); Exchange values that arrive pre-stringified
 * and Export-Csv use the .NET TimeSpan text (`14.02:00:00`, `00:00:09.0269026`), so give that one form.
 */
function timeSpanText(text: string): string | undefined {
  const m = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?$/.exec(text);
  if (!m || text.endsWith('P') || text.endsWith('T')) return undefined;
  const [, minus, d, h, min, s, fraction] = m;
  const two = (v: string | undefined) => (v ?? '0').padStart(2, '0');
  const days = d && d !== '0' ? `${Number(d)}.` : '';
  const ticks = fraction && !/^0+$/.test(fraction) ? `.${fraction.slice(0, 7).padEnd(7, '0')}` : '';
  return `${minus ?? ''}${days}${two(h)}:${two(min)}:${two(s)}${ticks}`;
}
