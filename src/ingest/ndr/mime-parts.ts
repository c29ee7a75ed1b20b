/**
 * Just enough MIME (RFC 2045/2046) to read a non-delivery report: header fields with folding,
 * Content-Type parameters, multipart bodies split at their boundaries (nested, to a fixed depth),
 * and quoted-printable / base64 text decoded — each leaf part with the file line its body starts
 * at and, for text that is not base64, the file line of every decoded line. Linear in the input.
 */

export interface MimeLeaf {
  /** `text/plain`, `message/delivery-status`, … lower-cased; `text/plain` when the part names none. */
  type: string;
  /** Decoded text of the body. */
  text: string;
  /** For each line of `text`, the 1-based line of the file it came from. */
  lines: number[];
}

export interface MimeMessage {
  /** The top-level Content-Type, lower-cased, with its parameters (names lower-cased). */
  type: string;
  params: Record<string, string>;
  leaves: MimeLeaf[];
}

const MAX_DEPTH = 6;
const MAX_LEAVES = 64;
/** Text decoded per part at most: an NDR's parts are a few KB; an attached original is not needed whole. */
const MAX_PART_CHARS = 512 * 1024;

interface Headers {
  type: string;
  params: Record<string, string>;
  encoding: string;
  charset: string;
}

/** `multipart/report; report-type=delivery-status; boundary="b1"` → type and parameters. */
export function parseContentType(value: string): { type: string; params: Record<string, string> } {
  const parts = splitParams(value);
  const type = (parts.shift() ?? '').trim().toLowerCase();
  const params: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: type === '' ? 'text/plain' : type, params };
}

/** Splits at `;` outside double quotes. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (c === ';' && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/** `boundary="b1"`, `charset=us-ascii`: an RFC 2045 token attribute and `=`, with no `:` before it (bounded: no backtracking). */
const PARAMETER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}[ \t]{0,20}=/;

/** Reads the header block from `from`; returns the headers and the index of the first body line. */
function readHeaders(lines: readonly string[], from: number, to: number): { headers: Headers; body: number } {
  const headers: Headers = { type: 'text/plain', params: {}, encoding: '7bit', charset: 'utf-8' };
  let i = from;
  let name: string | null = null;
  let value = '';
  /** Whether the open field's value, as read so far, ends in `;` (another parameter follows). */
  let openParam = false;
  const close = () => {
    if (name === null) return;
    if (name === 'content-type') {
      const ct = parseContentType(value);
      headers.type = ct.type;
      headers.params = ct.params;
      if (ct.params.charset) headers.charset = ct.params.charset.toLowerCase();
    } else if (name === 'content-transfer-encoding') headers.encoding = value.trim().toLowerCase();
    name = null;
  };
  for (; i < to; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      break;
    }
    if ((line[0] === ' ' || line[0] === '\t') && name !== null) {
      const t = line.trim();
      value += ' ' + t;
      if (t !== '') openParam = t.endsWith(';');
      continue;
    }
    // A folded parameter whose indentation was lost (NDRs copied from clients, tickets, forums:
    // `Content-Type: multipart/report; report-type=delivery-status;` then `boundary="b1"` at the
    // start of the next line). RFC 2045 5.1: `parameter := attribute "=" value`, parameters
    // separated by `;`. A line that starts with such an `attribute=` (a token, then `=` before any
    // `:`) right after a field whose value ends in `;` is that field's next parameter, not a
    // field of its own: a field name (RFC 5322 2.2) is followed by `:`, and names with `=` are not
    // written. The `;` condition keeps a stray `x=y` line after a complete field from being joined.
    // (`openParam` is tested, not `value.endsWith`: a long folded value is not re-read per line.)
    if (name !== null && openParam && PARAMETER_LINE.test(line)) {
      const t = line.trim();
      value += ' ' + t;
      openParam = t.endsWith(';');
      continue;
    }
    close();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1).trim();
    openParam = value.endsWith(';');
  }
  close();
  return { headers, body: i };
}

/** Parses a whole message given as lines (line i is file line i + 1). */
export function parseMime(lines: readonly string[]): MimeMessage {
  const leaves: MimeLeaf[] = [];
  const { headers, body } = readHeaders(lines, 0, lines.length);
  entity(lines, headers, body, lines.length, 0, leaves);
  return { type: headers.type, params: headers.params, leaves };
}

function entity(lines: readonly string[], h: Headers, body: number, end: number, depth: number, leaves: MimeLeaf[]): void {
  if (leaves.length >= MAX_LEAVES) return;
  const boundary = h.type.startsWith('multipart/') ? (h.params.boundary || boundaryFromBody(lines, body, end)) : undefined;
  if (boundary && depth < MAX_DEPTH) {
    const open = `--${boundary}`;
    const closing = `--${boundary}--`;
    let partStart = -1;
    for (let i = body; i < end; i++) {
      const line = lines[i]!;
      if (!line.startsWith(open)) continue;
      const rest = line.trimEnd();
      if (rest !== open && rest !== closing) continue;
      if (partStart >= 0) part(lines, partStart, i, depth, leaves);
      if (rest === closing) return;
      partStart = i + 1;
    }
    // No closing delimiter (a cut file): the last part runs to the end.
    if (partStart >= 0) part(lines, partStart, end, depth, leaves);
    return;
  }
  // An attached original message is not read: its text is not the report's.
  if (h.type === 'message/rfc822' || h.type === 'text/rfc822-headers' || !(h.type.startsWith('text/') || h.type === 'message/delivery-status' || h.type === 'message/global-delivery-status')) return;
  leaves.push(decodeBody(lines, body, end, h));
}

/** RFC 2046 5.1.1 `bchars`: what a boundary is made of (a space only inside, never last). */
const BCHARS = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
/** A header field line (`Content-Type: text/plain`): a name of visible characters, then `:`. */
const FIELD_LINE = /^[!-9;-~]{1,100}:/;

/**
 * The boundary of a multipart entity whose Content-Type has none (the parameter was lost with a
 * broken fold, or cut): RFC 2046 5.1.1 says the body's parts are each introduced by a line
 * `--` boundary, where the boundary is 1–70 `bchars` and does not end in a space. The first body
 * line of that shape whose next line starts a part's header block (a `Name:` field, or the blank
 * line of a part without headers) is taken as the first delimiter and its boundary used. A line
 * ending in `--` is a close delimiter (or a `-----Original Message-----` rule), never a first
 * delimiter, so it is not taken. One pass over the body, each line tested once: linear.
 */
function boundaryFromBody(lines: readonly string[], body: number, end: number): string | undefined {
  for (let i = body; i < end - 1; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(0) !== 45 || line.charCodeAt(1) !== 45 || line.length > 2 + 70 + 40) continue;
    const candidate = trimSpaceTabEnd(line).slice(2);
    if (candidate.endsWith('--') || !BCHARS.test(candidate)) continue;
    const next = lines[i + 1]!;
    if (next.trim() === '' || FIELD_LINE.test(next)) return candidate;
  }
  return undefined;
}

function part(lines: readonly string[], from: number, to: number, depth: number, leaves: MimeLeaf[]): void {
  const { headers, body } = readHeaders(lines, from, to);
  entity(lines, headers, body, to, depth + 1, leaves);
}

function decodeBody(lines: readonly string[], from: number, to: number, h: Headers): MimeLeaf {
  const out: string[] = [];
  const map: number[] = [];
  let chars = 0;
  if (h.encoding === 'base64') {
    const b64: string[] = [];
    for (let i = from; i < to && chars < MAX_PART_CHARS; i++) {
      b64.push(lines[i]!.trim());
      chars += lines[i]!.length;
    }
    const text = decodeBytes(Buffer.from(b64.join(''), 'base64'), h.charset);
    const decodedLines = text.split(/\r?\n/);
    // Decoded lines have no file line of their own: all point at the part's first body line.
    return { type: h.type, text: decodedLines.join('\n'), lines: decodedLines.map(() => from + 1) };
  }
  const qp = h.encoding === 'quoted-printable';
  let pending = '';
  let pendingLine = -1;
  for (let i = from; i < to && chars < MAX_PART_CHARS; i++) {
    const line = lines[i]!;
    chars += line.length;
    if (!qp) {
      out.push(line);
      map.push(i + 1);
      continue;
    }
    if (pendingLine < 0) pendingLine = i + 1;
    const trimmed = trimSpaceTabEnd(line);
    if (trimmed.endsWith('=')) {
      // A soft line break: the next line continues this one.
      pending += trimmed.slice(0, -1);
      continue;
    }
    pending += trimmed;
    out.push(pending);
    map.push(pendingLine);
    pending = '';
    pendingLine = -1;
  }
  if (qp && pendingLine >= 0) {
    out.push(pending);
    map.push(pendingLine);
  }
  const text = qp ? decodeBytes(quotedPrintableBytes(out.join('\n')), h.charset) : out.join('\n');
  return { type: h.type, text, lines: map };
}

/** `=3D` → `=`; a malformed escape is kept as written. Newlines are kept, so lines stay aligned. */
function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */ && i + 2 < text.length && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(text[i]!, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes);
}

function decodeBytes(b: Buffer, charset: string): string {
  if (charset.startsWith('iso-8859') || charset.startsWith('windows-125') || charset === 'latin1') return b.toString('latin1');
  if (charset === 'utf-16' || charset === 'utf-16le') return b.toString('utf16le');
  return b.toString('utf8');
}

/** Trailing spaces and tabs removed by a backward scan (`[ \t]+$` retries from every blank of a long run). */
function trimSpaceTabEnd(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}
