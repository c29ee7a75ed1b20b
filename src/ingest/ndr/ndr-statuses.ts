import type { StatusObservation } from '../../model/evidence.js';
import { copy, emptyContext, observeStatuses, type StatusContext } from './status-observations.js';
import type { MimeLeaf } from './mime-parts.js';

/**
 * The statuses of a non-delivery report (NDR-CATALOG `NDR`): the "Diagnostic information for
 * administrators" block Exchange writes in the report's text (`Generating server: <host>`, then
 * per recipient `Remote Server returned '<status>'` or `<host> #<status> ##`), and the RFC 3464
 * `message/delivery-status` part (Reporting-MTA; per recipient Final-Recipient, Action, Status,
 * Remote-MTA, Diagnostic-Code). One observation per status and recipient: the same status in
 * both places is counted once, the diagnostic block's (it names the generating server).
 */

const DIAGNOSTIC_MARK = /diagnostic information for administrators/i;
const ORIGINAL_HEADERS = /^\s*original message headers\s*:?/i;
/** A line that holds only a recipient address (`ann@contoso.com`, `<ann@contoso.com>`). */
const RECIPIENT_LINE = /^\s*<?([^\s<>@'"]+@[^\s<>'"]+?)>?\s*$/;
const GENERATING_SERVER = /^\s*generating server\s*:\s*(\S+)/i;
/** `ex01.contoso.com #550 5.4.1 …`: the host that refused, before the `#`. */
const HASH_FORM = /^\s*(\S+)\s+#\s*[245]\d\d\b/;
const STATUS_LIKE = /[245]\.\d{1,3}\.\d{1,3}|Remote Server returned/i;

/** Texts longer than this are cut before the diagnostic block is looked for. */
const MAX_TEXT = 256 * 1024;

export interface NdrRead {
  statuses: StatusObservation[];
  /** Whether a diagnostic block or a delivery-status part was found (a report Exchange would write). */
  reportFound: boolean;
}

/** The block's statuses in one text part; null when the part has no diagnostic block. */
function diagnosticBlock(leaf: MimeLeaf, file: string, emit: (o: StatusObservation) => void): boolean {
  const text = leaf.text.length > MAX_TEXT ? leaf.text.slice(0, MAX_TEXT) : leaf.text;
  const mark = text.search(DIAGNOSTIC_MARK);
  if (mark < 0) return false;
  const lines = text.split('\n');
  let lineIndex = text.slice(0, mark).split('\n').length - 1;
  let generating: string | null = null;
  let recipient: string | null = null;
  for (; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex]!;
    if (ORIGINAL_HEADERS.test(line)) break;
    const g = GENERATING_SERVER.exec(line);
    if (g) {
      generating = g[1]!;
      continue;
    }
    const r = RECIPIENT_LINE.exec(line);
    if (r) {
      recipient = r[1]!;
      continue;
    }
    if (!STATUS_LIKE.test(line)) continue;
    const ctx: StatusContext = {
      ...emptyContext('ndr', { file, line: leaf.lines[lineIndex] ?? leaf.lines[leaf.lines.length - 1] ?? 1 }),
      recipient,
      remoteHost: HASH_FORM.exec(line)?.[1] ?? generating,
    };
    observeStatuses(line, ctx, emit);
  }
  return true;
}

/** HTML reduced to its text: tags out, block ends as line breaks, the common entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<(?:br|\/p|\/div|\/tr|\/li|\/pre|\/h\d)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:#(\d{1,6})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi, (_, dec, hex, name) => {
      if (dec) return String.fromCodePoint(Math.min(Number(dec), 0x10ffff));
      if (hex) return String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
      return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' } as Record<string, string>)[(name as string).toLowerCase()] ?? '';
    });
}

interface DsnGroup {
  fields: Map<string, string>;
  /** File line of each field's first line. */
  lines: Map<string, number>;
  line: number;
}

/** The field groups of a delivery-status body (RFC 3464 2.1): per-message first, then one per recipient. */
function dsnGroups(leaf: MimeLeaf): DsnGroup[] {
  const groups: DsnGroup[] = [];
  let current: DsnGroup | null = null;
  let last: string | null = null;
  const lines = leaf.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') {
      current = null;
      last = null;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && current && last) {
      current.fields.set(last, `${current.fields.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) {
      current = { fields: new Map(), lines: new Map(), line: leaf.lines[i] ?? 1 };
      groups.push(current);
    }
    last = line.slice(0, colon).trim().toLowerCase();
    if (!current.fields.has(last)) {
      current.fields.set(last, line.slice(colon + 1).trim());
      current.lines.set(last, leaf.lines[i] ?? current.line);
    } else last = null;
  }
  return groups;
}

/** `rfc822;ann@contoso.com`, `dns; mail.contoso.com`, `smtp;550 …`: the value after the type. */
function typed(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semi = value.indexOf(';');
  const v = (semi < 0 ? value : value.slice(semi + 1)).trim();
  return v === '' ? null : v;
}

function deliveryStatus(leaf: MimeLeaf, file: string, emit: (o: StatusObservation) => void): void {
  const groups = dsnGroups(leaf);
  const message = groups[0];
  const reporting = typed(message?.fields.get('reporting-mta'));
  for (const g of groups.slice(1, 1 + 1000)) {
    const diagnostic = typed(g.fields.get('diagnostic-code'));
    const status = g.fields.get('status');
    const text = diagnostic ?? (status ? `${status} ${g.fields.get('action') ?? ''}`.trim() : null);
    if (text === null) continue;
    const ctx: StatusContext = {
      ...emptyContext('ndr', { file, line: (diagnostic !== null ? g.lines.get('diagnostic-code') : g.lines.get('status')) ?? g.line }),
      recipient: typed(g.fields.get('final-recipient')) ?? typed(g.fields.get('original-recipient')),
      remoteHost: typed(g.fields.get('remote-mta')) ?? reporting,
    };
    observeStatuses(text, ctx, emit);
  }
}

/**
 * The statuses of one report's parts. Text parts are read for the diagnostic block (plain text
 * first; HTML only when no plain part has one); a report with neither block nor delivery-status
 * part has its plain text read whole (the newer "Error Details" layout).
 */
export function ndrStatuses(leaves: readonly MimeLeaf[], file: string): NdrRead {
  const statuses: StatusObservation[] = [];
  const seen = new Set<string>();
  const emit = (o: StatusObservation) => {
    const key = `${o.status.entryId}\u0000${(o.recipient ?? '').toLowerCase()}`;
    if (seen.has(key) || statuses.length >= 256) return;
    seen.add(key);
    statuses.push(o);
  };
  let block = false;
  for (const leaf of leaves) if (leaf.type === 'text/plain' && diagnosticBlock(leaf, file, emit)) block = true;
  if (!block) {
    for (const leaf of leaves) {
      if (leaf.type !== 'text/html') continue;
      const text = htmlText(leaf.text);
      // Stripping tags moves text between lines: every decoded line points at the part's start.
      if (diagnosticBlock({ type: 'text/plain', text, lines: [leaf.lines[0] ?? 1] }, file, emit)) block = true;
    }
  }
  let dsn = false;
  for (const leaf of leaves) {
    if (leaf.type !== 'message/delivery-status' && leaf.type !== 'message/global-delivery-status') continue;
    dsn = true;
    deliveryStatus(leaf, file, emit);
  }
  if (!block && !dsn) {
    for (const leaf of leaves) {
      if (leaf.type !== 'text/plain') continue;
      const lines = leaf.text.split('\n');
      for (let i = 0; i < lines.length && i < 10_000; i++) {
        if (STATUS_LIKE.test(lines[i]!)) observeStatuses(lines[i]!, emptyContext('ndr', { file, line: leaf.lines[i] ?? 1 }), emit);
      }
    }
  }
  for (const o of statuses) o.recipient = copy(o.recipient);
  return { statuses, reportFound: block || dsn };
}
