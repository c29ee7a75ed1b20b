/**
 * Authentication-Results read by its grammar (RFC 8601 §2.2), with comments (CFWS) wherever the
 * grammar allows them:
 *
 *   authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS] CRLF
 *   no-result       = [CFWS] ";" [CFWS] "none"
 *   resinfo         = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
 *   methodspec      = [CFWS] method [CFWS] "=" [CFWS] result
 *   method          = Keyword [ [CFWS] "/" [CFWS] method-version ]
 *   reasonspec      = "reason" [CFWS] "=" [CFWS] value
 *   propspec        = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *   pvalue          = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
 *
 * so `dkim (signature ok) = pass` and Appendix B's `dkim (Because I like it) / 1 (One yay) =
 * (wait for it) fail policy (A dot can go here) . (like that) expired …` read as written. Two
 * departures real writers need: Exchange Online leaves the authserv-id out (the header starts
 * with `spf=`), and values are read up to white space, `;` or a comment, so a DKIM `header.b=`
 * holding `/` and `=` is kept whole. One pass over the text: every character is read once, and
 * a look-ahead over comments at most once more.
 */

export interface ParsedResult {
  method: string;
  result: string;
  /** Comments after the result; else those inside the methodspec; null when none. */
  comment: string | null;
  properties: Record<string, string>;
}

export interface ParsedAuthenticationResults {
  /** The `i=` of ARC-Authentication-Results (RFC 8617 §4.1.1), null elsewhere. */
  instance: number | null;
  authservId: string | null;
  results: ParsedResult[];
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

class Cursor {
  i = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.i >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.i];
  }

  /** White space and comments; each comment's text (parentheses removed, trimmed) goes to `sink`. */
  skipCfws(sink: string[] | null): void {
    for (;;) {
      const c = this.text[this.i];
      if (isSpace(c)) this.i++;
      else if (c === '(') {
        const text = this.comment();
        if (sink && text !== '') sink.push(text);
      } else return;
    }
  }

  /** A comment, nested comments and quoted pairs included (RFC 5322 §3.2.2); an unclosed one runs to the end. */
  private comment(): string {
    const start = ++this.i;
    let depth = 1;
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === '\\') this.i += 2;
      else {
        if (c === '(') depth++;
        else if (c === ')' && --depth === 0) {
          const inner = this.text.slice(start, this.i);
          this.i++;
          return inner.trim();
        }
        this.i++;
      }
    }
    return this.text.slice(start).trim();
  }

  /** A quoted string's content (quoted pairs unescaped); an unclosed one runs to the end. */
  quoted(): string {
    this.i++;
    let out = '';
    let from = this.i;
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === '"') {
        out += this.text.slice(from, this.i);
        this.i++;
        return out;
      }
      if (c === '\\') {
        out += this.text.slice(from, this.i) + (this.text[this.i + 1] ?? '');
        this.i += 2;
        from = this.i;
      } else this.i++;
    }
    return out + this.text.slice(from);
  }

  /** A run of characters up to white space, `(`, `)`, `;`, `"` or one of `stops`. */
  token(stops: string): string {
    const start = this.i;
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (isSpace(c) || c === '(' || c === ')' || c === ';' || c === '"' || stops.includes(c)) break;
      this.i++;
    }
    return this.text.slice(start, this.i);
  }

  /** Past the next `;` outside comments and quoted strings (or to the end). */
  skipPastSemicolon(): void {
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === '(') this.skipCfws(null);
      else if (c === '"') this.quoted();
      else {
        this.i++;
        if (c === ';') return;
      }
    }
  }
}

/** `value` (token or quoted-string), or `local-part@domain` with a quoted local-part. */
function readValue(c: Cursor): string {
  if (c.peek() === '"') {
    const q = c.quoted();
    return c.peek() === '@' ? q + c.token('') : q;
  }
  return c.token('');
}

/**
 * `ptype [CFWS] "." [CFWS] property`, or a bare key (`reason`, Exchange's `action`), in lower
 * case: `"reason"` is an ABNF quoted string, case-insensitive (RFC 5234 §2.3), and ptype and
 * property are Keywords naming IANA registry entries (RFC 8601 §2.2, §2.3, §6), matched without
 * case like `method`. So `REASON=`, `Header.From=` and `Action=` are `reason`, `header.from` and
 * `action`; the value keeps its case.
 */
function readKey(c: Cursor): string {
  return readKeyAsWritten(c).toLowerCase();
}

function readKeyAsWritten(c: Cursor): string {
  let key = c.token('=.');
  for (;;) {
    const save = c.i;
    c.skipCfws(null);
    if (c.peek() === '.') {
      c.i++;
      c.skipCfws(null);
      key += `.${c.token('=.')}`;
      continue;
    }
    c.i = save;
    return key;
  }
}

function parseResinfo(c: Cursor): ParsedResult | null {
  const inner: string[] = [];
  c.skipCfws(inner);
  const method = c.token('=/');
  if (method === '') return null;
  c.skipCfws(inner);
  if (c.peek() === '/') {
    c.i++;
    c.skipCfws(inner);
    c.token('=/');
    c.skipCfws(inner);
  }
  if (c.peek() !== '=') return null;
  c.i++;
  c.skipCfws(inner);
  const result = c.token('=/');
  if (result === '') return null;
  const after: string[] = [];
  c.skipCfws(after);
  // No prototype: keys come from the header (`__proto__=x`, `constructor=y` are properties like any other).
  const properties: Record<string, string> = Object.create(null) as Record<string, string>;
  while (!c.done && c.peek() !== ';') {
    const before = c.i;
    const key = readKey(c);
    c.skipCfws(null);
    if (key !== '' && c.peek() === '=') {
      c.i++;
      c.skipCfws(null);
      const value = readValue(c);
      if (value !== '') properties[key] = value;
    }
    c.skipCfws(null);
    // A character no rule above takes (a stray `=`, `/`, `.` or `)`): passed over.
    if (c.i === before) c.i++;
  }
  const comments = after.length > 0 ? after : inner;
  return { method: method.toLowerCase(), result: result.toLowerCase(), comment: comments.length > 0 ? comments.join('; ') : null, properties };
}

/** ARC-Authentication-Results starts with `i=N;` (RFC 8617 §4.1.1). */
function arcInstance(c: Cursor): number | null {
  const save = c.i;
  c.skipCfws(null);
  if (c.token('=').toLowerCase() === 'i') {
    c.skipCfws(null);
    if (c.peek() === '=') {
      c.i++;
      c.skipCfws(null);
      const n = c.token('');
      c.skipCfws(null);
      if (/^\d{1,9}$/.test(n) && c.peek() === ';') {
        c.i++;
        return Number(n);
      }
    }
  }
  c.i = save;
  return null;
}

export function parseAuthResultsValue(value: string): ParsedAuthenticationResults {
  const c = new Cursor(value);
  const instance = arcInstance(c);
  let authservId: string | null = null;
  const start = c.i;
  c.skipCfws(null);
  const first = c.peek() === '"' ? c.quoted() : c.token('=/');
  c.skipCfws(null);
  const next = c.peek();
  if (first !== '' && next !== '=' && next !== '/') {
    // authserv-id [CFWS authres-version]: the rest of this part says nothing more.
    authservId = first;
    c.skipPastSemicolon();
  } else c.i = start;
  const results: ParsedResult[] = [];
  while (!c.done) {
    const r = parseResinfo(c);
    if (r) results.push(r);
    c.skipPastSemicolon();
  }
  return { instance, authservId, results };
}

/** The results RFC 7208 §2.6 defines, as Received-SPF writes them (§9.1; Exchange Online capitalises them). */
const SPF_RESULTS = new Set(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']);

export interface ParsedReceivedSpf {
  result: string;
  /** The comments after the result, white space collapsed (a folded field keeps its line breaks); null when none. */
  comment: string | null;
  /** Keys in lower case, values as written (quoted strings unquoted). */
  properties: Record<string, string>;
}

/**
 * Received-SPF (RFC 7208 §9.1), read with the same cursor: `result [ FWS comment ] [ FWS
 * key-value-list ]`, pairs `key [CFWS] "=" value` split at `;` outside comments and quoted strings.
 * Null when the value does not start with an SPF result.
 */
export function parseReceivedSpfValue(value: string): ParsedReceivedSpf | null {
  const c = new Cursor(value);
  c.skipCfws(null);
  const result = c.token('=').toLowerCase();
  if (!SPF_RESULTS.has(result)) return null;
  const comments: string[] = [];
  c.skipCfws(comments);
  // No prototype: a key named `constructor` or `__proto__` is a key like any other.
  const properties = Object.create(null) as Record<string, string>;
  while (!c.done) {
    c.skipCfws(null);
    const key = c.token('=').toLowerCase();
    c.skipCfws(null);
    if (key !== '' && c.peek() === '=') {
      c.i++;
      c.skipCfws(null);
      const v = c.peek() === '"' ? c.quoted() : c.token('');
      if (!Object.hasOwn(properties, key)) properties[key] = v;
    }
    c.skipPastSemicolon();
  }
  return { result, comment: comments.length > 0 ? comments.join(' ').replace(/\s+/g, ' ') : null, properties };
}
