/**
 * Header fields from lines, as RFC 5322 §2.2.3 unfolds them — and as admins paste them: Outlook's
 * "Internet headers" box and the Outlook on the web viewer lose the folding whitespace, indent
 * every line, add blank lines and a "Microsoft Mail Internet Headers Version 2.0" title line.
 */

export interface HeaderField {
  /** As written (case kept); compare case-insensitively. */
  name: string;
  /** Unfolded: each line break with its folding whitespace becomes one space. */
  value: string;
  /** 1-based line of the field's first line in its file (or in the .msg headers property). */
  line: number;
}

/** Field names whose first line can be recognised even when folding was lost. */
const KNOWN_FIELDS = new Set(
  [
    'received', 'return-path', 'message-id', 'date', 'from', 'to', 'cc', 'bcc', 'subject', 'sender', 'reply-to',
    'in-reply-to', 'references', 'mime-version', 'content-type', 'content-transfer-encoding', 'content-language',
    'accept-language', 'thread-topic', 'thread-index', 'authentication-results', 'received-spf', 'dkim-signature',
    'delivered-to', 'importance', 'priority', 'keywords', 'comments', 'user-agent', 'list-id', 'list-unsubscribe',
    'auto-submitted', 'precedence', 'envelope-to', 'resent-from', 'resent-to', 'resent-date', 'resent-message-id',
  ],
);

/** Also recognised by prefix: vendor and protocol families (X-…, ARC-…, List-…). */
const KNOWN_PREFIX = /^(x-|arc-|list-|dkim-|resent-)/i;

/** The title line Outlook puts above headers of messages delivered by Exchange. */
const OUTLOOK_TITLE = /^microsoft mail internet headers version \d/i;

/**
 * `Name:` at the start of a line; RFC 5322 allows any printable but `:` in a name — real names are
 * letters, digits, `-`, `_`. White space before the colon is the obsolete syntax receivers must
 * accept (RFC 5322 §4.5: `obs-received = "Received" *WSP ":" *received-token CRLF`,
 * `obs-optional = field-name *WSP ":" unstructured CRLF`). The name's characters and the white
 * space are disjoint sets, so the match is linear.
 */
const FIELD_START = /^([A-Za-z0-9][A-Za-z0-9_-]*)[ \t]*:/;

export function isKnownFieldName(name: string): boolean {
  return KNOWN_FIELDS.has(name.toLowerCase()) || KNOWN_PREFIX.test(name);
}

const TITLE_WORDS = 'microsoft mail internet headers version ';

/** OUTLOOK_TITLE at `chunk[at]`: its words in any case (ASCII, as the pattern's `i` matches), then a digit. */
function isOutlookTitle(chunk: Buffer, at: number, end: number): boolean {
  if (end - at <= TITLE_WORDS.length) return false;
  for (let k = 0; k < TITLE_WORDS.length; k++) {
    const want = TITLE_WORDS.charCodeAt(k);
    const got = chunk[at + k]!;
    // `| 0x20` lower-cases a letter and makes no other byte a lower-case letter; spaces match only themselves.
    if (want === 0x20 ? got !== 0x20 : (got | 0x20) !== want) return false;
  }
  const digit = chunk[at + TITLE_WORDS.length]!;
  return digit >= 0x30 && digit <= 0x39;
}

/** A character (or byte) of a field name: a letter or digit, and after the first also `_` and `-`. */
function isNameChar(c: number, first: boolean): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return true;
  return !first && (c === 0x5f || c === 0x2d);
}

function leadingWhitespace(text: string): number {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

/**
 * Whether a line (leading whitespace removed) starts a header field. `Name: value` with a space
 * (or nothing) after the colon always does; `Name:value` only for a known name, because the
 * fields of X-Forefront-Antispam-Report (`SFS:(…)`, `CTRY:;`) look the same once folding is lost.
 */
export function startsField(text: string): FieldStart | null {
  // The rest of the line is taken by slice, not matched: the pattern stops at the colon.
  const raw = FIELD_START.exec(text);
  if (!raw) return null;
  const m: FieldStart = [raw[1]!, text.slice(raw[0].length)];
  const rest = m[1];
  if (rest === '' || rest[0] === ' ' || rest[0] === '\t') return m;
  // A DKIM or ARC `h=` list folded at a colon (`From:Date:Subject:Message-ID`) is no field; such a
  // list has no white space before its colons.
  if (raw[0].length === raw[1]!.length + 1 && NAME_LIST.test(rest)) return null;
  // `Name :value` (obsolete white space, no space after the colon) only for a known name, like `Name:value`.
  return isKnownFieldName(m[0]) ? m : null;
}

/** A line that starts a field: its name and the text after the colon. */
export type FieldStart = [name: string, rest: string];

const ORIGINATION_FIELDS = new Set(['from', 'date']);

const NAME_LIST = /^[A-Za-z0-9-]+(:[A-Za-z0-9-]*)*\s*(;|$)/;

/** `Name: value` or `Name:` alone — the form every real header writer uses. */
function spaced(m: FieldStart): boolean {
  const rest = m[1];
  return rest === '' || rest[0] === ' ' || rest[0] === '\t';
}

/**
 * Field names met before, by a hash of their bytes (SEEN_NAMES slots, the last name of each
 * kept): messages repeat the same few hundred names, each turned into a string once instead of a
 * native decode per field, and the reader's readsField answer is kept beside it. A slot whose
 * name differs is replaced, so memory and work stay bounded whatever the names.
 */
const SEEN_NAMES = 1024;
const seenNames: (string | undefined)[] = new Array(SEEN_NAMES);
const seenReader: (((name: string) => boolean) | undefined)[] = new Array(SEEN_NAMES);
const seenReads: (boolean | undefined)[] = new Array(SEEN_NAMES);

/**
 * The slot of the name that followed each slot's name last time (-1: none yet), and the slot of
 * the last name met: messages from one system list their fields in the same order.
 */
const seenNext = new Int32Array(SEEN_NAMES).fill(-1);
let lastSlot = 0;

/**
 * The slot of the predicted name (seenNext of the last one) when `chunk[start, end)` starts with
 * exactly it and a colon; else -1. A slot only ever holds a name read from a line (nameOf), so
 * the bytes matched are a name's.
 */
function predictedName(chunk: Buffer, start: number, end: number): number {
  const slot = seenNext[lastSlot]!;
  if (slot < 0) return -1;
  const name = seenNames[slot]!;
  const n = name.length;
  if (end - start <= n || chunk[start + n] !== 0x3a) return -1;
  for (let k = 0; k < n; k++) if (chunk[start + k] !== name.charCodeAt(k)) return -1;
  return slot;
}

/** The ASCII name `chunk[start, end)` as a string, the one met before when it is in its slot. */
function nameOf(chunk: Buffer, start: number, end: number, slot: number): string {
  const seen = seenNames[slot];
  if (seen !== undefined && seen.length === end - start) {
    let k = 0;
    while (k < seen.length && seen.charCodeAt(k) === chunk[start + k]) k++;
    if (k === seen.length) return seen;
  }
  // The name is ASCII (isNameChar): its bytes are its text in either encoding.
  const name = chunk.toString('latin1', start, end);
  seenNames[slot] = name;
  seenReader[slot] = undefined;
  return name;
}

/** The header fields of one message, fed line by line (blank lines are handled by the caller). */
export class HeaderBlock {
  /** The fields in order: those the reader reads when `readsField` is given, else all of them. */
  readonly fields: HeaderField[] = [];
  /** Every field met, read or not. */
  private fieldCount = 0;
  /** Line of the first field met (0 before any). */
  firstLine = 0;
  /** Lines before the first field that are not fields (reported, then ignored). */
  readonly junkLines: number[] = [];
  /** Set when the block was visibly damaged by copy and paste (lost folding, title line, indentation). */
  garbled = false;
  /** A From or Date field was read (RFC 5322 §3.6: the two fields every message has). */
  private hasOrigination = false;
  /** Indentation of the first field line: a pasted block may be indented as a whole. */
  private indent: number | null = null;
  /** False while the current field is one the reader never reads (not in `fields`). */
  private currentKept = true;

  /**
   * `readsField`, when given, names the fields the message's reader reads: a field it does not
   * read is left out of `fields`, and when taken from its bytes (addLineBytes) its lines are never
   * decoded — a mailbox's messages carry dozens of such fields (Thread-Index, DKIM-Signature,
   * anti-spam stamps) and only a few are evidence. It still counts as a field for everything
   * else (isEmpty, firstLine, folding, From/Date).
   */
  constructor(private readonly readsField: ((name: string) => boolean) | null = null) {}

  get isEmpty(): boolean {
    return this.fieldCount === 0;
  }

  /**
   * The block is a message's header section as a mail program wrote it: no sign of copy and paste
   * and a From or Date field (RFC 5322 §3.6 requires both in every message). A blank line then
   * ends it for good (RFC 5322 §2.1): what follows is the body, whatever it looks like.
   */
  get wellFormed(): boolean {
    return !this.garbled && this.junkLines.length === 0 && this.hasOrigination;
  }

  /**
   * The common lines of a header block as a mail program writes it, read straight from their
   * bytes (`chunk[start, end)`, ASCII or valid UTF-8 as `encoding` says): `Name: value` at the
   * start of the line, and a folded line of a block whose fields start at column 0. Each is taken
   * exactly as addLine would take the decoded line, without decoding the line whole or matching
   * it: only the name and the value (or the folded text) become strings. Returns false, having
   * done nothing, for any other line — addLine decides those.
   */
  addLineBytes(chunk: Buffer, start: number, end: number, encoding: 'latin1' | 'utf8', line: number): boolean {
    if (start === end) return false;
    const first = chunk[start]!;
    if (first === 0x20 || first === 0x09) return this.addFoldedBytes(chunk, start, end, encoding);
    // startsField: a name, then the colon right after it (no obsolete white space: `From :` is
    // left to addLine), then white space or nothing (`Name:value` needs the name checked).
    if (!isNameChar(first, true)) return false;
    let i = start + 1;
    // The name the last field was followed by last time (seenNext), when this line starts with
    // it and a colon: the same name, its bytes checked once. Else the name's hash for the names
    // seen before (nameOf), taken in the pass that finds its end.
    let slot = this.readsField === null ? -1 : predictedName(chunk, start, end);
    let hash = first;
    if (slot >= 0) i = start + seenNames[slot]!.length;
    else while (i < end && isNameChar(chunk[i]!, false)) hash = (Math.imul(hash, 31) + chunk[i++]!) | 0;
    if (i === end || chunk[i] !== 0x3a) return false;
    let v = i + 1;
    if (v < end && chunk[v] !== 0x20 && chunk[v] !== 0x09) return false;
    // A name line is no Outlook title (that has no colon after its first word) and starts at
    // column 0, so it is never folding: addLine would push it as a field.
    while (v < end && (chunk[v] === 0x20 || chunk[v] === 0x09)) v++;
    this.indent ??= 0;
    let name: string;
    let value: string;
    if (this.readsField === null) {
      // One string for the line (a native call costs more than the slices taken of it).
      const text = chunk.toString(encoding, start, end);
      name = text.slice(0, i - start);
      // trim() as addLine's: the white space skipped above is what it would drop first. The name
      // and white space are ASCII, so byte offsets are character offsets up to the value.
      value = v === end ? '' : text.slice(v - start).trim();
      this.currentKept = true;
    } else {
      if (slot < 0) {
        slot = hash & (SEEN_NAMES - 1);
        name = nameOf(chunk, start, i, slot);
      } else name = seenNames[slot]!;
      seenNext[lastSlot] = slot;
      lastSlot = slot;
      // Whether the reader reads it, asked once per name met (the slot holds the last answer).
      if (seenReader[slot] !== this.readsField) {
        seenReader[slot] = this.readsField;
        seenReads[slot] = this.readsField(name);
      }
      this.currentKept = seenReads[slot]!;
      // The value alone, only when read. (Decoding a folded field's lines once and joining slices
      // of that string measured slower: readers flatten the rope of slices again.)
      value = v === end || !this.currentKept ? '' : chunk.toString(encoding, v, end).trim();
    }
    this.counted(line);
    if (this.currentKept) this.fields.push({ name, value, line });
    if (name.length === 4 && ORIGINATION_FIELDS.has(name.toLowerCase())) this.hasOrigination = true;
    return true;
  }

  /** An indented line when fields start at column 0: folding (addLine), unless it may name a field. */
  private addFoldedBytes(chunk: Buffer, start: number, end: number, encoding: 'latin1' | 'utf8'): boolean {
    if (this.indent !== 0 || this.fieldCount === 0) return false;
    let c = start;
    while (c < end && (chunk[c] === 0x20 || chunk[c] === 0x09)) c++;
    if (c === end) return false;
    const b = chunk[c]!;
    // Control characters (a blank line to the splitter), non-ASCII, and the Outlook title go to addLine.
    if (b < 0x21 || b > 0x7e || ((b | 0x20) === 0x6d && isOutlookTitle(chunk, c, end))) return false;
    if (isNameChar(b, true)) {
      // addLine takes an indented line as a field only when startsField finds `name:` or
      // `name :` (FIELD_START) with a spaced value (spaced: white space or nothing after the
      // colon) and a known name; such lines go to addLine. Any other character after the name and
      // its white space, or a printable one right after the colon (`09:00:04` of a folded date),
      // makes it folding.
      let i = c + 1;
      while (i < end && isNameChar(chunk[i]!, false)) i++;
      while (i < end && (chunk[i] === 0x20 || chunk[i] === 0x09)) i++;
      if (i < end && chunk[i] === 0x3a && !(i + 1 < end && chunk[i + 1]! > 0x20 && chunk[i + 1]! < 0x7f)) return false;
    }
    // Taken as folding either way; a value the reader never reads is not built.
    if (!this.currentKept) return true;
    // The current field is the last one kept (currentKept).
    const current = this.fields[this.fields.length - 1]!;
    const content = chunk.toString(encoding, c, end).trimEnd();
    current.value = current.value === '' ? content : `${current.value} ${content}`;
    return true;
  }

  /** One more field, at `line`. */
  private counted(line: number): void {
    if (this.fieldCount++ === 0) this.firstLine = line;
  }

  addLine(text: string, line: number): void {
    const lead = leadingWhitespace(text);
    const content = text.slice(lead).trimEnd();
    if (content === '') return;
    // The title starts with `M`: other lines skip the pattern.
    if ((content.charCodeAt(0) | 0x20) === 0x6d && OUTLOOK_TITLE.test(content)) {
      this.garbled = true;
      return;
    }
    const m = startsField(content);
    if (this.indent === null) {
      if (!m) {
        this.junkLines.push(line);
        return;
      }
      this.indent = lead;
      if (lead > 0) this.garbled = true;
    }
    // Deeper than the block's indentation is folding (RFC 5322 §2.2.3) — unless the line names a
    // field no folded value starts with, as pasted blocks with uneven indentation show.
    const folded = lead > this.indent && !(m && spaced(m) && isKnownFieldName(m[0]));
    if (!folded && m) {
      this.counted(line);
      this.currentKept = this.readsField === null || this.readsField(m[0]);
      if (this.currentKept) this.fields.push({ name: m[0], value: m[1].trim(), line });
      // Both names are four letters: others skip the lower-casing.
      if (m[0].length === 4 && ORIGINATION_FIELDS.has(m[0].toLowerCase())) this.hasOrigination = true;
      return;
    }
    if (this.fieldCount === 0) {
      this.junkLines.push(line);
      return;
    }
    if (!folded) this.garbled = true;
    if (!this.currentKept) return;
    const current = this.fields[this.fields.length - 1]!;
    current.value = current.value === '' ? content : `${current.value} ${content}`;
  }
}
