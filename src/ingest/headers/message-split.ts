import { HeaderBlock, isKnownFieldName, startsField, type HeaderField } from './header-fields.js';

/** One message's header block as read, before decoding. */
export interface RawMessage {
  /** Line of the first header field. */
  line: number;
  /** The fields in order; with a `readsField` (MessageSplitter), only those it names. */
  fields: HeaderField[];
  garbled: boolean;
  /** Lines in the header block that are neither fields nor folded values. */
  junkLines: number[];
  /** Line where header fields went on after a blank line in a paste that showed no other damage (read leniently), null when none did. */
  resumedAfterBlank: number | null;
  /** Line of a header field that opened the body of a well-formed message (not read as a header), null when none. */
  bodyStartsWithField: number | null;
}

/** `single`: one message (an .eml or pasted headers); `mbox`: messages after `From ` separator lines. */
export type SplitMode = 'single' | 'mbox';

/**
 * `after-blank`: a paste's header block met a blank line and may go on (lenient);
 * `after-end`: a well-formed header block has ended — the first body line is only looked at.
 */
type State = 'before' | 'headers' | 'after-blank' | 'after-end' | 'body';

/** How many indented lines after a blank line may still turn out to be folding. */
const HELD_LINES = 20;

/**
 * mboxo/mboxrd separator (RFC 4155): `From ` + envelope sender + asctime date. A body line that
 * starts with `From ` is written `>From ` by the mbox writer, so a bare `From ` line after a blank
 * line, or one with an asctime date, starts the next message.
 */
const MBOX_SEPARATOR_DATE = /^From \S*\s+.*\b\d{1,2}:\d\d(:\d\d)?\b.*\d{4}/;

/**
 * `text.trim() === ''` without building the trimmed copy: ASCII lines (nearly all) are decided
 * here, any other character by trim() itself, so the set of white space is trim()'s.
 */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    return c < 0x80 ? false : text.trim() === '';
  }
  return true;
}

/**
 * A line of white space alone (`1*WSP`: spaces and tabs, at least one). RFC 5322 §4.2 obs-FWS,
 * `obs-FWS = 1*WSP *(CRLF 1*WSP)`, makes it folding of the field before it; only an empty line
 * ends the header section (§2.1: "the header section ... followed by an empty line"). Linear.
 */
function isWspOnly(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

export function isMboxSeparator(text: string, previousBlank: boolean): boolean {
  if (!text.startsWith('From ')) return false;
  return previousBlank || MBOX_SEPARATOR_DATE.test(text);
}

/**
 * Splits lines into messages and keeps only their header blocks (bodies are skipped line by
 * line, never held). Messages are handed out as soon as they end.
 */
export class MessageSplitter {
  private state: State;
  private block: HeaderBlock;
  private previousBlank = true;
  /** Lines before the first `From ` line of an mbox. */
  readonly strayLines: number[] = [];
  /** Header blocks that held no field at all (line of their start). */
  readonly emptyBlocks: number[] = [];
  private blockStart = 0;
  /** Indented lines after a blank line, not yet known to be folding or body. */
  private held: { text: string; line: number }[] = [];
  private resumedAfterBlank: number | null = null;
  private bodyStartsWithField: number | null = null;
  /**
   * Set after a line of white space alone inside a header block that shows no paste damage (or
   * in an mbox): obs-FWS (RFC 5322 §4.2), folding, as long as the next line that is not white
   * space goes on with the header block (a field or an indented line). Any other line means the
   * white space line was meant as the blank line that ends it (the reading before obs-FWS).
   */
  private wspFold = false;

  constructor(
    private readonly mode: SplitMode,
    private readonly onMessage: (m: RawMessage) => void,
    /** The fields whose values the messages' reader reads (HeaderBlock); null: all of them. */
    private readonly readsField: ((name: string) => boolean) | null = null,
  ) {
    this.state = mode === 'mbox' ? 'before' : 'headers';
    this.block = new HeaderBlock(readsField);
  }

  /** In a body: lines matter only as possible `From ` separators (mbox) or not at all (single). */
  get inBody(): boolean {
    return this.state === 'body';
  }

  /** A single message whose header block has ended: the rest of the file is its body. */
  get finished(): boolean {
    return this.mode === 'single' && this.state === 'body';
  }

  /** A body line that cannot be a separator, passed over without being decoded. */
  skipBodyLine(blank: boolean): void {
    this.previousBlank = blank;
  }

  /**
   * A line of a header block straight from its bytes (HeaderBlock.addLineBytes): true when taken,
   * as push would take its decoded text; false, having done nothing, when push must decide.
   */
  pushBytes(chunk: Buffer, start: number, end: number, encoding: 'latin1' | 'utf8', line: number): boolean {
    // In a header block no separator is looked for; a taken line is neither blank nor `From `.
    if (this.state !== 'headers' || !this.block.addLineBytes(chunk, start, end, encoding, line)) return false;
    // A field or a folded line: a white space line before it was folding (wspFold).
    this.wspFold = false;
    this.previousBlank = false;
    if (this.blockStart === 0) this.blockStart = line;
    return true;
  }

  push(text: string, line: number): void {
    const blank = isBlank(text);
    const previousBlank = this.previousBlank;
    this.previousBlank = blank;
    if (this.wspFold && !blank) {
      this.wspFold = false;
      // Not a field and not indented: no folding goes on, so the white space line ended the block.
      if (!(text.startsWith(' ') || text.startsWith('\t')) && startsField(text) === null) this.state = this.endOfBlock();
    }
    if (this.mode === 'mbox' && this.state !== 'headers' && isMboxSeparator(text, previousBlank || this.state === 'before')) {
      this.flush();
      this.state = 'headers';
      this.blockStart = line + 1;
      return;
    }
    switch (this.state) {
      case 'before':
        if (!blank) this.strayLines.push(line);
        return;
      case 'body':
        return;
      case 'headers':
        if (blank) {
          // Pasted headers may hold stray blank lines before the first field.
          if (this.block.isEmpty && this.block.junkLines.length === 0) return;
          // RFC 5322 §4.2 obs-FWS: white space alone on a line folds the field before it. A paste
          // already seen as damaged keeps its lenient reading of blank lines (after-blank).
          if (isWspOnly(text) && (this.mode === 'mbox' || (!this.block.garbled && this.block.junkLines.length === 0))) {
            this.wspFold = true;
            return;
          }
          this.wspFold = false;
          // RFC 5322 §2.1: an empty line ends the header section. An mbox holds real messages,
          // and so does a block a mail program wrote (wellFormed): the rest is body, even when it
          // looks like headers — a quoted or forwarded header block must never become this
          // message's (its AuthAs could flip "treated as internal"). Only a paste, which shows
          // its damage or lacks the fields every message has, may go on after a blank line.
          this.state = this.endOfBlock();
          return;
        }
        if (this.mode === 'mbox' && this.block.isEmpty && text.startsWith('From ')) return;
        if (this.blockStart === 0) this.blockStart = line;
        this.block.addLine(text, line);
        return;
      case 'after-end': {
        if (blank) return;
        const m = startsField(text);
        if (m && isKnownFieldName(m[0])) this.bodyStartsWithField = line;
        this.state = 'body';
        return;
      }
      case 'after-blank': {
        if (blank) return;
        const m = startsField(text.trimStart());
        // Headers go on after a blank line only with a field a body would not start with.
        if (m && isKnownFieldName(m[0])) {
          // A paste already seen as damaged says so once (garbled); an undamaged one is told apart.
          if (!this.block.garbled) this.resumedAfterBlank ??= line;
          this.block.garbled = true;
          this.state = 'headers';
          for (const held of this.held) this.block.addLine(held.text, held.line);
          this.held = [];
          this.block.addLine(text, line);
          return;
        }
        // An indented line may be the rest of a field a stray blank line cut in two (pastes
        // from web pages): held until a field shows the header block going on, else body.
        if (/^[ \t]/.test(text) && this.held.length < HELD_LINES) {
          this.held.push({ text, line });
          return;
        }
        this.held = [];
        this.state = 'body';
        return;
      }
    }
  }

  /** Where a blank line leaves a header block (see the 'headers' case of push). */
  private endOfBlock(): State {
    return this.mode === 'mbox' || this.block.wellFormed ? 'after-end' : 'after-blank';
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    const b = this.block;
    // A paste that ends inside a field cut by a stray blank line: its rest is still that field.
    if (this.state === 'after-blank' && b.garbled) for (const held of this.held) b.addLine(held.text, held.line);
    if (!b.isEmpty) {
      this.onMessage({
        line: b.firstLine,
        fields: b.fields,
        garbled: b.garbled,
        junkLines: b.junkLines,
        resumedAfterBlank: this.resumedAfterBlank,
        bodyStartsWithField: this.bodyStartsWithField,
      });
    } else if (this.state !== 'before' && this.blockStart > 0) {
      this.emptyBlocks.push(this.blockStart);
    }
    this.block = new HeaderBlock(this.readsField);
    this.blockStart = 0;
    this.held = [];
    this.resumedAfterBlank = null;
    this.bodyStartsWithField = null;
    this.wspFold = false;
  }
}
