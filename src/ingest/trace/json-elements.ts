/**
 * Splits a streamed `ConvertTo-Json` document into its top-level values: the items of an array
 * (N objects) or the single object (one), FORMATS.md 4.3. Several documents one after another
 * (NDJSON, or runs appended with `>>`) are split the same way, one after the other. Each value is
 * handed over as text with the line it starts on, to be parsed alone, so memory is one chunk plus
 * one object whatever the file's size.
 */

export interface JsonElementHandler {
  /** `parsed`: JSON.parse(text), when the splitter has already parsed it (an object without nested objects). */
  element(text: string, line: number, parsed?: unknown): void;
  /** The document cannot be followed further (not JSON, an object that never closes); reading stops. */
  fatal(line: number, reason: string): void;
}

export const MAX_ELEMENT_CHARS = 64 * 1024 * 1024;

/** `after`: a document has ended; whitespace, or the start of a further document, may follow. */
type Mode = 'start' | 'between' | 'element' | 'after' | 'stopped';

export class JsonElementSplitter {
  private mode: Mode = 'start';
  private topIsArray = false;
  private line = 1;
  /** Text of the element being read, from its first character. */
  private pending = '';
  private pendingLine = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Next line feed in the chunk being pushed at or after where `flatObject` last looked (its length: none). */
  private nextLf = -1;

  constructor(private readonly handler: JsonElementHandler) {}

  get stopped(): boolean {
    return this.mode === 'stopped';
  }

  push(chunk: string): void {
    let i = 0;
    const len = chunk.length;
    let elementStart = this.mode === 'element' ? 0 : -1;
    /** Next positions of the characters the element scan looks for in this chunk (see there). */
    const next = { backslash: -2, quote: -1, open: -1, close: -1, openArray: -1, closeArray: -1, lf: -1 };
    this.nextLf = -1;
    while (i < len && this.mode !== 'stopped') {
      const c = chunk.charCodeAt(i);
      if (this.mode === 'element') {
        // Scan on to the end of the element, or of the chunk.
        let depth = this.depth;
        let inString = this.inString;
        let escaped = this.escaped;
        const scanFrom = i;
        // Strings are skipped with indexOf (most of a trace object is text); the next backslash is
        // looked up once and reused until passed. Outside strings only " { } [ ] matter: the scan
        // jumps to the nearest (ConvertTo-Json indents every property, so most of what lies between
        // strings is spaces), each found with indexOf and reused until passed (len: none left).
        // The positions hold for the whole chunk: kept across its elements, so many small elements
        // (`{}{}{}…`) do not each search the rest of the chunk again.
        let backslash = next.backslash;
        let nextQuote = next.quote;
        let nextOpen = next.open;
        let nextClose = next.close;
        let nextOpenArray = next.openArray;
        let nextCloseArray = next.closeArray;
        while (i < len) {
          if (inString) {
            if (escaped) {
              escaped = false;
              i++;
              continue;
            }
            if (backslash < i && backslash !== -1) backslash = chunk.indexOf('\\', i);
            let quote = chunk.indexOf('"', i);
            if (quote < 0) quote = len;
            if (backslash !== -1 && backslash < quote) {
              escaped = true;
              i = backslash + 1;
              continue;
            }
            i = quote;
            if (i < len) {
              inString = false;
              i++;
            }
            continue;
          }
          if (nextQuote < i) nextQuote = indexOrEnd(chunk, '"', i);
          if (nextOpen < i) nextOpen = indexOrEnd(chunk, '{', i);
          if (nextClose < i) nextClose = indexOrEnd(chunk, '}', i);
          if (nextOpenArray < i) nextOpenArray = indexOrEnd(chunk, '[', i);
          if (nextCloseArray < i) nextCloseArray = indexOrEnd(chunk, ']', i);
          i = Math.min(nextQuote, nextOpen, nextClose, nextOpenArray, nextCloseArray);
          if (i >= len) break;
          const ch = chunk.charCodeAt(i++);
          if (ch === 34) inString = true;
          else if (ch === 123 || ch === 91) depth++;
          else if (ch === 125 || ch === 93) {
            depth--;
            if (depth === 0) break;
          }
        }
        next.backslash = backslash;
        next.quote = nextQuote;
        next.open = nextOpen;
        next.close = nextClose;
        next.openArray = nextOpenArray;
        next.closeArray = nextCloseArray;
        // Lines are counted over what was scanned, strings included, as a character loop would.
        if (next.lf < scanFrom) next.lf = indexOrEnd(chunk, '\n', scanFrom);
        while (next.lf < i) {
          this.line++;
          next.lf = indexOrEnd(chunk, '\n', next.lf + 1);
        }
        this.depth = depth;
        this.inString = inString;
        this.escaped = escaped;
        if (depth === 0) {
          const text = this.pending + chunk.slice(elementStart, i);
          this.pending = '';
          this.handler.element(text, this.pendingLine);
          this.mode = this.topIsArray ? 'between' : 'after';
          elementStart = -1;
          continue;
        }
        this.pending += chunk.slice(elementStart);
        if (this.pending.length > MAX_ELEMENT_CHARS) {
          this.handler.fatal(this.pendingLine, `an object longer than ${MAX_ELEMENT_CHARS} characters (a brace never closed?); the rest of the file is not read`);
          this.mode = 'stopped';
        }
        return;
      }
      if (c === 10) this.line++;
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) {
        i++;
        continue;
      }
      if (this.mode === 'start') {
        if (c === 91) {
          this.topIsArray = true;
          this.mode = 'between';
          i++;
          continue;
        }
        if (c === 123) {
          this.beginElement();
          elementStart = i;
          continue;
        }
        this.handler.fatal(this.line, 'not JSON: the document starts with neither [ nor {');
        this.mode = 'stopped';
        return;
      }
      if (this.mode === 'between') {
        if (c === 44) {
          i++;
          continue;
        }
        if (c === 93) {
          this.mode = 'after';
          i++;
          continue;
        }
        if (c === 123) {
          const end = this.flatObject(chunk, i);
          if (end > 0) {
            i = end;
            continue;
          }
        }
        this.beginElement();
        elementStart = i;
        // A scalar array item (a bare string or number) is no message; it still ends at , or ].
        if (c !== 123 && c !== 91) {
          const end = scalarEnd(chunk, i);
          this.handler.element(chunk.slice(i, end), this.line);
          this.mode = 'between';
          i = end;
        }
        continue;
      }
      // After a document: another one may follow (NDJSON, or `ConvertTo-Json` runs appended with
      // `>>`), each an object or an array of objects, read as the first was. Anything else ends it.
      if (c === 123 || c === 91) {
        this.topIsArray = false;
        this.mode = 'start';
        continue;
      }
      this.handler.fatal(this.line, 'text after the end of the JSON document (neither another object nor an array); the rest of the file is not read');
      this.mode = 'stopped';
      return;
    }
  }

  end(): void {
    if (this.mode === 'element') this.handler.fatal(this.pendingLine, 'the file ends inside an object (cut short); that object is skipped');
    else if (this.mode === 'between') this.handler.fatal(this.line, 'the file ends before the closing ] of the array (cut short)');
    this.mode = 'stopped';
  }

  /**
   * An array item that is an object without nested objects (every trace format's objects but the
   * Windows PowerShell 5.1 date wrappers) ends at the first `}` after it: when the text up to there
   * parses, it is that item — JSON is read left to right, so a `}` that ends valid JSON is no `}`
   * inside a string — and is handed over parsed, without the scan of its every string. Otherwise
   * (a `{` before it, a `}` inside a string, an item that continues in the next chunk) -1, and the
   * item is scanned as any other.
   */
  private flatObject(chunk: string, i: number): number {
    const close = chunk.indexOf('}', i + 1);
    if (close < 0) return -1;
    const open = chunk.indexOf('{', i + 1);
    if (open >= 0 && open < close) return -1;
    const text = chunk.slice(i, close + 1);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return -1;
    }
    const line = this.line;
    if (this.nextLf < i) this.nextLf = indexOrEnd(chunk, '\n', i);
    while (this.nextLf < close) {
      this.line++;
      this.nextLf = indexOrEnd(chunk, '\n', this.nextLf + 1);
    }
    this.handler.element(text, line, parsed);
    return close + 1;
  }

  private beginElement(): void {
    this.mode = 'element';
    this.pending = '';
    this.pendingLine = this.line;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}

/** Where `c` next occurs in `text` from `from`, or the text's length when it does not. */
function indexOrEnd(text: string, c: string, from: number): number {
  const at = text.indexOf(c, from);
  return at < 0 ? text.length : at;
}

function scalarEnd(text: string, from: number): number {
  let i = from;
  if (text.charCodeAt(i) === 34) {
    i++;
    while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
    return Math.min(text.length, i + 1);
  }
  while (i < text.length && text[i] !== ',' && text[i] !== ']') i++;
  return i;
}
