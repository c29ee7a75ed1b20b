import type { StartTlsState } from '../../model/evidence.js';
import { StartTlsTracker } from './starttls-state.js';
import type { CapturedReply, CapturedTransaction } from './capture-model.js';
import { EndOfDataScanner, TlsRecordSkipper } from './smtp-content.js';
import { LineSplitter, MAX_LINE } from './smtp-lines.js';
import { authWithoutReplyNote, CLIENT_TLS_WITHOUT_STARTTLS, repliesBeforeCommandsNote, spokeFirstNote } from './smtp-notes.js';
import { commandAddress, looksLikeCommand, replyClass, replyCodeOf, splitEnhanced } from './smtp-text.js';
import { MAX_TRANSACTIONS, TransactionBook } from './smtp-transactions.js';

/**
 * Both sides of an SMTP conversation (RFC 5321) read from reassembled bytes: commands paired with
 * their replies through a queue (PIPELINING, RFC 2920), message content skipped by its end-of-data
 * line or BDAT sizes (RFC 3030) without being kept or decoded, AUTH exchanges (RFC 4954) reduced to
 * their mechanism, and the point where each side switches to TLS after STARTTLS (RFC 3207).
 *
 * Pairing goes by direction and order, not by when bytes arrived in the capture: the server's
 * first reply on a connection seen from its start is its greeting (RFC 5321 §3.1) even when the
 * client spoke first (Exim PIPE_CONNECT sends EHLO before the 220), and a reply that shows up
 * before the command it answers is held until that command comes.
 */

/** The conversation kept per session for display; beyond it lines are only counted. */
const MAX_DIALOGUE_LINES = 400;
/** Replies kept per session outside transactions (a session may NOOP for hours). */
const MAX_REPLIES = 1000;
/** Replies held while waiting for the commands they answer; beyond this they are taken as unpaired. */
const MAX_HELD_REPLIES = 64;
/** What `.` in a regular expression does not match: a reply line holding one is not read as a reply. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const SPACE = 0x20;
const HYPHEN = 0x2d;


type ClientMode = 'command' | 'auth' | 'data' | 'bdat' | 'tls-records';

interface HeldReply {
  code: number;
  lines: string[];
  packet: number;
}

interface PendingCommand {
  verb: string;
  tx: CapturedTransaction | null;
  /** BDAT … LAST: its reply is the transaction's final one. */
  last?: boolean;
  auth?: number;
}

export class SmtpDialogue {
  banner: string | null = null;
  serverName: string | null = null;
  ehloCommand: string | null = null;
  ehlo: string | null = null;
  extensions: string[] = [];
  extensionsAfterTls: string[] | null = null;
  private readonly tlsState = new StartTlsTracker();
  readonly auth: { mechanism: string; code: number | null }[] = [];
  private readonly book = new TransactionBook();
  readonly replies: CapturedReply[] = [];
  readonly dialogue: string[] = [];
  private readonly otherNotes: string[] = [];
  dialogueOmitted = 0;
  /** Set once the session is read inside TLS (decrypted). */
  afterTls = false;
  /** The server accepted STARTTLS: its next bytes are TLS. */
  serverSwitchedToTls = false;

  private clientMode: ClientMode = 'command';
  private readonly clientLines = new LineSplitter(() => this.say(`C: [a line longer than ${MAX_LINE} bytes, not shown]`));
  private readonly serverLines = new LineSplitter(() => this.say(`S: [a line longer than ${MAX_LINE} bytes, not shown]`));
  private bdatRemaining = 0;
  private readonly endOfData = new EndOfDataScanner();
  private dataBytes = 0;
  private readonly pending: PendingCommand[] = [];
  private replyLines: string[] = [];
  private replyCode = 0;
  private bannerSeen = false;
  private starttlsSent = false;
  private implicitTls = false;
  /** Replies that came before any command they could answer. */
  private readonly heldReplies: HeldReply[] = [];
  private repliesPairedLate = 0;
  /** Client commands may be missing (capture joined late, bytes lost): replies are not held for them. */
  private commandsMayBeMissing: boolean;
  /** Server replies seen since the last AUTH, and client lines hidden as its data. */
  private authReplies = 0;
  private authLinesHidden = 0;
  private readonly tlsRecords = new TlsRecordSkipper();
  private spokeFirstNoted = false;

  /** `expectGreeting`: the capture saw the connection open, so the server's first reply is its greeting. */
  constructor(private readonly expectGreeting = true) {
    this.commandsMayBeMissing = !expectGreeting;
  }

  /** From here on both sides speak inside TLS (decrypted): a new EHLO, AUTH and transactions follow. */
  enterTls(): void {
    this.say('[TLS from here on]');
    // Implicit TLS (465): nothing was said in clear, so the first EHLO reply inside TLS is the
    // session's extensions, as tshark reads it.
    this.implicitTls = !this.bannerSeen;
    this.afterTls = true;
    this.flushHeldReplies();
    this.serverSwitchedToTls = false;
    this.starttlsSent = false;
    this.clientLines.reset();
    this.serverLines.reset();
    this.replyLines = [];
  }

  /** STARTTLS was agreed but this side went on in clear text: its bytes are SMTP again. */
  continueInClear(fromClient: boolean): void {
    if (fromClient) this.starttlsSent = false;
    else this.serverSwitchedToTls = false;
  }

  get transactions(): CapturedTransaction[] {
    return this.book.transactions;
  }

  get starttls(): StartTlsState {
    return this.tlsState.state;
  }

  /** What the session shows about firewalls and STARTTLS, and anything else worth telling. */
  get notes(): string[] {
    return [...this.tlsState.notes, ...this.otherNotes];
  }

  /** Client bytes; returns how many were SMTP (the rest, after STARTTLS, is TLS). */
  client(b: Buffer, packet: number): number {
    let i = 0;
    while (i < b.length) {
      if (this.clientMode === 'data') {
        i = this.skipContent(b, i);
        continue;
      }
      if (this.clientMode === 'tls-records') {
        const next = this.tlsRecords.skip(b, i);
        if (next < 0) return b.length;
        i = next;
        this.clientMode = 'command';
        continue;
      }
      if (this.clientMode === 'bdat') {
        const take = Math.min(this.bdatRemaining, b.length - i);
        this.bdatRemaining -= take;
        this.countContent(take);
        i += take;
        if (this.bdatRemaining === 0) this.clientMode = 'command';
        continue;
      }
      // After STARTTLS the client's next bytes are a TLS record (content type 22) once the server agreed.
      if (this.starttlsSent && this.clientLines.atLineStart && b[i] === 0x16) return i;
      if (this.clientLines.atLineStart && b[i] === 0x16 && b[i + 1] === 3) {
        // A TLS handshake where SMTP commands belong: the client expected TLS from the first
        // byte (as on 465, RFC 8314) from a server that speaks SMTP first.
        this.otherNote(CLIENT_TLS_WITHOUT_STARTTLS);
        this.say('C: [TLS records without STARTTLS, not read]');
        this.clientMode = 'tls-records';
        this.tlsRecords.start();
        continue;
      }
      const line = this.clientLines.take(b, i);
      if (line === null) return b.length;
      i = line.next;
      if (line.text !== null) this.clientLine(line.text, packet);
    }
    return b.length;
  }

  /** Server bytes; returns how many were SMTP (the rest, after its 220 to STARTTLS, is TLS). */
  server(b: Buffer, packet: number): number {
    let i = 0;
    while (i < b.length) {
      if (this.serverLines.atLineStart && this.replyLines.length === 0 && b[i] === 0x16 && b[i + 1] === 3 && this.heldReplies.length > 0) {
        // TLS from the server right after a reply that came before its command: that reply was
        // the 220 to a STARTTLS the capture shows later.
        this.serverSwitchedToTls = true;
        return i;
      }
      const line = this.serverLines.take(b, i);
      if (line === null) return b.length;
      i = line.next;
      if (line.text !== null) this.serverLine(line.text, packet);
      if (this.serverSwitchedToTls) return i;
    }
    return b.length;
  }

  clientMissing(count: number): void {
    if (this.clientMode === 'data') {
      this.countContent(count);
      // Whether the end-of-data line fell in the hole cannot be known; the server's reply will tell.
      this.endOfData.lost();
      return;
    }
    if (this.clientMode === 'bdat') {
      const take = Math.min(count, this.bdatRemaining);
      this.bdatRemaining -= take;
      this.countContent(take);
      if (this.bdatRemaining === 0) this.clientMode = 'command';
      return;
    }
    this.clientLines.reset();
    // Commands were lost with these bytes: replies to them must not wait for later commands.
    this.commandsMayBeMissing = true;
    this.flushHeldReplies();
    this.say(`C: [${count} bytes missing from the capture]`);
  }

  serverMissing(count: number): void {
    this.serverLines.reset();
    this.replyLines = [];
    this.say(`S: [${count} bytes missing from the capture]`);
  }

  /** Transactions with their outcomes as far as the capture shows them. */
  finish(): void {
    this.flushHeldReplies();
    if (this.repliesPairedLate > 0) {
      this.otherNotes.push(repliesBeforeCommandsNote(this.repliesPairedLate));
    }
    this.book.finish();
    if (this.dialogueOmitted > 0) this.dialogue.push(`… ${this.dialogueOmitted} more lines not shown`);
    if (this.book.notKept > 0) this.otherNotes.push(`${this.book.notKept} more mail transactions in this session are not listed (the first ${MAX_TRANSACTIONS} are).`);
  }

  private clientLine(text: string, packet: number): void {
    if (this.clientMode === 'auth') {
      if (this.authReplies > 0 || !looksLikeCommand(text)) {
        this.authLinesHidden++;
        this.say('C: [authentication data hidden]');
        return;
      }
      // RFC 4954 §4: the client waits for the AUTH exchange to end before its next command. A
      // command here with no server reply since AUTH means the capture lacks the server's side.
      this.otherNote(authWithoutReplyNote(this.auth[this.auth.length - 1]?.mechanism ?? '', text, this.authLinesHidden));
      this.clientMode = 'command';
    }
    this.commandsMayBeMissing = false;
    if (this.expectGreeting && !this.bannerSeen && !this.spokeFirstNoted) {
      this.spokeFirstNoted = true;
      this.otherNote(spokeFirstNote(text));
    }
    this.commandLine(text, packet);
    this.pairHeldReplies();
  }

  private commandLine(text: string, packet: number): void {
    const space = text.indexOf(' ');
    const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase().slice(0, 24);
    switch (verb) {
      case 'EHLO':
      case 'HELO':
      case 'LHLO': {
        const name = text.slice(verb.length).trim() || null;
        if (name === null) this.otherNote(`The client sent ${verb} without a name (RFC 5321 §4.1.1.1 requires its domain or address literal).`);
        if (this.ehloCommand === null) {
          this.ehloCommand = verb;
          this.ehlo = name;
        }
        this.queue({ verb, tx: null }, `C: ${text}`);
        return;
      }
      case 'MAIL': {
        const tx = this.book.begin(commandAddress(text), this.afterTls, packet);
        this.queue({ verb, tx }, `C: ${text}`);
        return;
      }
      case 'RCPT': {
        const tx = this.book.currentOrNew(this.afterTls, packet);
        const address = commandAddress(text);
        if (address !== null) tx.rcptTo.push(address);
        this.queue({ verb, tx }, `C: ${text}`);
        return;
      }
      case 'DATA':
        this.queue({ verb, tx: this.book.currentOrNew(this.afterTls, packet) }, `C: ${text}`);
        // Content follows once the server sends 354; a refusal to DATA brings the client back (see serverReply).
        this.clientMode = 'data';
        this.endOfData.start();
        this.dataBytes = 0;
        return;
      case 'BDAT': {
        const m = /^BDAT\s+(\d+)(\s+LAST)?\s*$/i.exec(text);
        this.queue({ verb, tx: this.book.currentOrNew(this.afterTls, packet), last: Boolean(m?.[2]) }, `C: ${text}`);
        if (m) {
          this.bdatRemaining = Number(m[1]);
          if (this.bdatRemaining > 0) this.clientMode = 'bdat';
        }
        return;
      }
      case 'STARTTLS':
        this.starttlsSent = true;
        this.queue({ verb, tx: null }, `C: ${text}`);
        return;
      case 'AUTH': {
        const parts = text.split(/\s+/);
        const mechanism = (parts[1] ?? '').toUpperCase();
        this.auth.push({ mechanism, code: null });
        this.clientMode = 'auth';
        this.authReplies = 0;
        this.authLinesHidden = 0;
        // The initial response (RFC 4954 §4) carries credentials: only the mechanism is kept.
        this.queue({ verb, tx: null, auth: this.auth.length - 1 }, `C: AUTH ${mechanism}${parts.length > 2 ? ' [credentials hidden]' : ''}`);
        return;
      }
      case 'RSET':
        this.queue({ verb, tx: this.book.currentTx }, `C: ${text}`);
        this.book.reset();
        return;
      default:
        this.queue({ verb, tx: null }, `C: ${text}`);
    }
  }

  private queue(command: PendingCommand, shown: string): void {
    this.pending.push(command);
    this.say(shown);
  }

  private serverLine(text: string, packet: number): void {
    // `NNN`, `NNN-` or `NNN ` then the text; anything else (or a stray line break inside) is shown as it came.
    const code = replyCodeOf(text);
    if (code < 0 || LINE_BREAK.test(text)) {
      this.say(`S: ${text}`);
      return;
    }
    const separator = text.charCodeAt(3);
    if (this.replyLines.length === 0) this.replyCode = code;
    this.replyLines.push(text.slice(separator === SPACE || separator === HYPHEN ? 4 : 3));
    if (separator === HYPHEN) return;
    const lines = this.replyLines;
    this.replyLines = [];
    this.serverReply(this.replyCode, lines, packet);
  }

  private serverReply(code: number, lines: string[], packet: number): void {
    if (this.clientMode === 'auth') this.authReplies++;
    const head = this.pending[0];
    if (code === 334 && head?.verb === 'AUTH') {
      // A SASL challenge: part of the authentication exchange, not shown.
      this.say('S: 334 [challenge hidden]');
      return;
    }
    // RFC 5321 §3.1: the server speaks first. Its first reply is the greeting, whatever the
    // client may have sent before it (when the capture joined late, only a reply nothing waits for).
    const greeting = !this.bannerSeen && (this.expectGreeting || this.pending.length === 0);
    if (!greeting && this.pending.length === 0 && !this.commandsMayBeMissing && this.heldReplies.length < MAX_HELD_REPLIES) {
      this.heldReplies.push({ code, lines, packet });
      return;
    }
    this.reply(greeting ? null : (this.pending.shift() ?? null), greeting, code, lines, packet);
  }

  /** A client command came: replies that arrived before it answer it and those after it, in order. */
  private pairHeldReplies(): void {
    while (this.heldReplies.length > 0 && this.pending.length > 0) {
      const r = this.heldReplies.shift()!;
      this.repliesPairedLate++;
      this.serverReply(r.code, r.lines, r.packet);
    }
  }

  /** Replies no command came for (unsolicited 421, or answers to commands the capture lacks). */
  private flushHeldReplies(): void {
    for (const r of this.heldReplies.splice(0)) this.reply(null, false, r.code, r.lines, r.packet);
  }

  private reply(command: PendingCommand | null, greeting: boolean, code: number, lines: string[], packet: number): void {
    const first = splitEnhanced(code, lines[0] ?? '');
    const verb = greeting ? '<banner>' : command ? command.verb : null;
    let text = first.text;
    for (let i = 1; i < lines.length; i++) text += `\n${splitEnhanced(code, lines[i]!).text}`;
    const reply: CapturedReply = { command: verb, code, enhanced: first.enhanced, text, packet };
    for (let i = 0; i < lines.length; i++) this.say(`S: ${code}${i < lines.length - 1 ? '-' : ' '}${lines[i]}`);
    if (command?.tx) {
      command.tx.replies.push(reply);
    } else if (this.replies.length < MAX_REPLIES) {
      this.replies.push(reply);
    }
    switch (verb) {
      case '<banner>':
        this.bannerSeen = true;
        this.banner = text;
        this.serverName = /^\S+/.exec(first.text)?.[0] ?? null;
        this.tlsState.banner(text);
        break;
      case 'EHLO':
      case 'LHLO':
        this.ehloReply(code, lines.slice(1).map((l) => l.trim()));
        break;
      case 'STARTTLS':
        this.serverSwitchedToTls = this.tlsState.reply(code);
        if (!this.serverSwitchedToTls) this.starttlsSent = false;
        break;
      case 'AUTH':
        if (command?.auth !== undefined) this.auth[command.auth]!.code = code;
        this.clientMode = this.clientMode === 'auth' ? 'command' : this.clientMode;
        break;
      case 'DATA':
        if (code === 354 && command?.tx) this.pending.unshift({ verb: '<end-of-data>', tx: command.tx });
        else if (this.clientMode === 'data' && this.dataBytes === 0) this.clientMode = 'command';
        break;
      case '<end-of-data>':
        if (command?.tx) this.book.final(command.tx, reply);
        break;
      case 'BDAT':
        if (command?.last && command.tx) this.book.final(command.tx, reply);
        break;
    }
  }

  private ehloReply(code: number, keywords: string[]): void {
    if (this.afterTls) {
      if (replyClass(code) === 2) this.extensionsAfterTls = keywords;
      if (this.implicitTls && replyClass(code) === 2 && this.extensions.length === 0) this.extensions = keywords;
      return;
    }
    if (replyClass(code) === 2) this.extensions = keywords;
    this.tlsState.ehlo(code, keywords);
  }

  /** Skips message content up to and including the `CRLF.CRLF` that ends it; returns where commands resume. */
  private skipContent(b: Buffer, i: number): number {
    const next = this.endOfData.scan(b, i);
    if (next >= 0) return this.contentEnds(next, i);
    this.countContent(b.length - i);
    return b.length;
  }

  private contentEnds(next: number, from: number): number {
    this.countContent(Math.max(0, next - from));
    this.clientMode = 'command';
    this.say(`C: [message content, ${this.book.currentTx?.messageBytes ?? this.dataBytes} bytes]`);
    this.say('C: .');
    return next;
  }

  private countContent(bytes: number): void {
    this.dataBytes += bytes;
    this.book.countContent(bytes);
  }

  private otherNote(text: string): void {
    if (!this.otherNotes.includes(text)) this.otherNotes.push(text);
  }

  private say(line: string): void {
    if (this.dialogue.length < MAX_DIALOGUE_LINES) this.dialogue.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
    else this.dialogueOmitted++;
  }
}
