import type {
  CertificateSeen,
  ProtocolLogDetails,
  SessionEndpoint,
  SmtpReply,
  SmtpSessionObservation,
  StartTlsState,
  StatusObservation,
} from '../../model/evidence.js';
import { recognise } from '../ndr/status-observations.js';
import { addressOf, sessionStatusObservations, type PendingStatus } from './session-statuses.js';
import {
  commandVerb,
  isMaskedCommand,
  ehloExtensionFacts,
  oneRowEhloReply,
  type EhloExtensionFacts,
  replyCodeOf,
  replyLineText,
  replyOf,
  replyOfRow,
  replyOfText,
} from './smtp-lines.js';
import {
  applyCertificateRow,
  certificateFromRows,
  certificateLabelOwner,
  parseClientCertificateValidation,
  parseTlsDomainCapabilities,
  parseTlsFailure,
  type CertificateOwner,
  type CertificateRows,
  type TlsSuccess,
} from './tls-info.js';
import { emptyRows, endpointOf, oneRowGreeting, own, singleRowCertificate, tlsSuccessOf } from './session-rows.js';

/** One row of an SMTP protocol log, by the names `#Fields` gives its columns (FORMATS.md 3). */
export interface ProtocolRow {
  /** `date-time` as written; a reader may leave it '' on rows after a session's first (only `at` keeps it). */
  time: string;
  /** `date-time` in milliseconds for idle eviction; NaN when not read (the table asks for one row in many) or not parsable. */
  timeMs: number;
  connector: string;
  sessionId: string;
  sequence: number;
  local: string;
  remote: string;
  /** `+` connect, `-` disconnect, `>` sent by the logging server, `<` received by it, `*` information. */
  event: string;
  data: string;
  context: string;
  line: number;
}

/** Replies kept in full per session; beyond, only refusals and STARTTLS answers (a hub session can carry thousands of messages). */
export const REPLIES_KEPT = 50;
export const NOTABLE_REPLIES_KEPT = 200;
const MAX_UNANSWERED = 64;
/** Status observations kept per session (a hub session refused on every message is one group anyway). */
export const STATUSES_KEPT = 32;
/** `*` rows whose text may hold a status: an enhanced code, or the TLS credential errors of NDR-CATALOG 454 4.7.5. */
const STATUS_LIKE = /[245]\.\d{1,3}\.\d{1,3}|Credentials/;

/**
 * The verbs that start TLS in an SMTP session: STARTTLS (RFC 3207), and X-ANONYMOUSTLS, Exchange's
 * own STARTTLS for anonymous TLS between its servers (intra-organization, hub to hub on 2525),
 * answered `220` and followed by the same `TLS protocol … negotiation succeeded` row (FORMATS.md 3).
 */
function startsTls(verb: string): boolean {
  return verb === 'STARTTLS' || verb === 'X-ANONYMOUSTLS';
}

/**
 * Rebuilds one SMTP session from its rows, in sequence order. A receive log is the server's view
 * (`<` are the client's commands, `>` the server's replies), a send log the client's (`>` commands,
 * `<` replies).
 */
export class SmtpSessionAssembly {
  ended = false;
  /**
   * Whether the session's start is in the log: a row with `sequence-number` 0 (numbers count from
   * 0 per session) or the connect row `+` (FORMATS.md 3). Without it (an excerpt, or the rows
   * before in an earlier file) a row's absence says nothing: the certificate Exchange sends is
   * logged (`Sending certificate`) right after the 220 to STARTTLS, before the TLS row.
   */
  private startSeen = false;
  /** Line of the last row applied: idle time is judged from it (session-table.ts). */
  lastLine: number;
  readonly firstLine: number;
  private readonly at: string | null;
  private local: string;
  private remote: string;
  private readonly connector: string;
  private banner: string | null = null;
  private serverName: string | null = null;
  private ehlo: string | null = null;
  private extensions: string[] | null = null;
  private starttls: StartTlsState = 'none';
  private lastCommand: string | null = null;
  private lastCommandMasked = false;
  /** Commands not answered yet: with PIPELINING (RFC 2920) replies come after several commands, in order. */
  private readonly unanswered: string[] = [];
  /** Alongside `unanswered`: whether that command was a masked one. */
  private readonly unansweredMasked: boolean[] = [];
  private replyTexts: string[] = [];
  private readonly replies: SmtpReply[] = [];
  /** The last MAIL / RCPT command rows while their replies are awaited (not copied: let go once answered). */
  private mailData: string | null = null;
  private rcptData: string | null = null;
  private statuses: PendingStatus[] | null = null;
  private tlsSuccess: TlsSuccess | null = null;
  private readonly certificateRows: Partial<Record<CertificateOwner, CertificateRows>> = {};
  private readonly singleRowCertificates: Partial<Record<CertificateOwner, CertificateSeen>> = {};
  private openCertificate: CertificateRows | null = null;
  private readonly details: ProtocolLogDetails = {
    tlsError: null,
    tlsDomainCapabilities: null,
    clientCertificateValidation: null,
    disconnect: null,
    messages: 0,
    recipients: 0,
  };

  constructor(
    private readonly viewpoint: 'server' | 'client',
    first: ProtocolRow,
    private readonly file: string,
  ) {
    this.firstLine = first.line;
    this.at = first.time === '' ? null : own(first.time);
    this.lastLine = first.line;
    this.local = own(first.local);
    this.remote = own(first.remote);
    this.connector = own(first.connector);
  }

  get hasEndpoints(): boolean {
    return this.local !== '' && this.remote !== '';
  }

  apply(row: ProtocolRow): void {
    this.lastLine = row.line;
    if (!this.startSeen && (row.sequence === 0 || row.event === '+')) this.startSeen = true;
    // A send log's first row (`attempting to connect`) has no local endpoint yet.
    if (this.local === '') this.local = own(row.local);
    if (this.remote === '') this.remote = own(row.remote);
    switch (row.event) {
      case '-':
        this.details.disconnect = own(row.context || row.data || 'disconnected');
        this.ended = true;
        return;
      case '*':
        this.information(row.data, row.context, row);
        return;
      case '<':
        if (this.viewpoint === 'server') this.command(row.data);
        else this.replyLine(row.data, row);
        return;
      case '>':
        if (this.viewpoint === 'server') this.replyLine(row.data, row);
        else this.command(row.data);
        return;
      default:
        return;
    }
  }

  private command(data: string): void {
    if (data === '') return;
    // A command abandons any reply still being gathered (a reply cut by the log).
    if (this.replyTexts.length > 0) this.replyTexts = [];
    const masked = isMaskedCommand(data);
    const verb = own(masked ? data.trim() : commandVerb(data));
    this.lastCommand = verb;
    this.lastCommandMasked = masked;
    if (this.unanswered.length < MAX_UNANSWERED) {
      this.unanswered.push(verb);
      this.unansweredMasked.push(masked);
    }
    if (masked) return;
    if (verb === 'EHLO' || verb === 'HELO') {
      if (this.ehlo === null) this.ehlo = own(data.slice(verb.length).trim()) || null;
    } else if (verb === 'MAIL') {
      this.details.messages++;
      this.mailData = data;
      this.rcptData = null;
    } else if (verb === 'RCPT') {
      this.details.recipients++;
      this.rcptData = data;
    }
  }

  private replyLine(data: string, row: ProtocolRow): void {
    const code = replyCodeOf(data);
    if (code < 0) return;
    if (data.charCodeAt(3) === 45 /* - */) {
      // `250-…`: more lines of this reply follow (every line carries the same code, RFC 5321 4.2.1).
      this.replyTexts.push(replyLineText(data));
      return;
    }
    let texts: string[] | null = null;
    if (this.replyTexts.length > 0) {
      texts = this.replyTexts;
      texts.push(replyLineText(data));
      this.replyTexts = [];
    }
    // The oldest unanswered command; with none left, a second reply to the last one (DATA's
    // 354 then 250), or the banner before any command.
    const answered = this.unanswered.shift();
    const answeredMasked = this.unansweredMasked.shift();
    const command = answered ?? this.lastCommand ?? (this.replies.length === 0 ? '<banner>' : null);
    const commandMasked = answeredMasked ?? this.lastCommandMasked;
    const reply =
      command === 'EHLO' && code === 250
        ? replyOfText(command, code, this.ehloAnswer(texts ?? [replyLineText(data)]))
        : texts
          ? replyOf(command, code, texts)
          : replyOfRow(command, code, data);
    reply.text = own(reply.text);
    if (command === '<banner>' && this.banner === null) {
      this.banner = reply.text;
      // A firewall that masks SMTP also overwrites the banner with asterisks: no name then.
      const name = reply.text.split(' ')[0] ?? '';
      if (reply.code === 220 && name !== '' && !/^\*+$/.test(name)) this.serverName = own(name);
    }
    if (command !== null && startsTls(command)) this.starttlsAnswered(reply.code);
    else if (commandMasked && (reply.code === 500 || reply.code === 502)) this.starttls = 'masked';
    this.keep(reply);
    // Only refusals and deferrals can be a catalog status; 2xx/3xx replies never reach the recogniser.
    if (reply.code >= 400) this.statusIn(`${reply.code} ${reply.enhanced === null ? '' : `${reply.enhanced} `}${reply.text}`, row);
    if (this.unanswered.length === 0) this.mailData = this.rcptData = null;
  }

  /** Recognises the statuses of one reply or information row and holds them until the session is complete. */
  private statusIn(text: string, row: ProtocolRow): void {
    if (this.statuses !== null && this.statuses.length >= STATUSES_KEPT) return;
    const found = recognise(text);
    if (found.length === 0) return;
    (this.statuses ??= []).push({
      found,
      text: own(text),
      line: row.line,
      time: row.time === '' ? '' : own(row.time),
      sender: addressOf(this.mailData),
      recipient: addressOf(this.rcptData),
    });
  }

  /** Records the first EHLO answer's extension lines; returns its greeting line as the reply text. */
  private ehloAnswer(texts: string[]): string {
    if (this.extensions !== null) return texts.length === 1 ? oneRowGreeting(texts[0]!) : texts[0]!;
    let greeting: string;
    let facts: EhloExtensionFacts;
    if (texts.length === 1) {
      // Read once per distinct answer (servers repeat theirs); the lines come back as copies.
      const read = oneRowEhloReply(texts[0]!);
      greeting = read.greeting;
      this.extensions = read.extensions;
      facts = read;
    } else {
      greeting = texts[0]!;
      this.extensions = texts.slice(1).map(own);
      facts = ehloExtensionFacts(this.extensions);
    }
    if (facts.masked) this.starttls = 'masked';
    else if (this.starttls === 'none' && facts.offersStartTls) this.starttls = 'offered';
    return greeting;
  }

  /** 220 starts TLS; 500/502 (command unknown) is what a masked STARTTLS gets; other refusals are refusals. */
  private starttlsAnswered(code: number): void {
    if (code === 220) {
      if (this.starttls !== 'masked') this.starttls = 'accepted';
    } else if (code === 500 || code === 502) this.starttls = 'masked';
    else if (code >= 400 && this.starttls !== 'masked') this.starttls = 'refused';
  }

  private keep(reply: SmtpReply): void {
    if (this.replies.length < REPLIES_KEPT) this.replies.push(reply);
    else if (this.replies.length < NOTABLE_REPLIES_KEPT && (reply.code >= 400 || (reply.command !== null && startsTls(reply.command)))) this.replies.push(reply);
  }

  private information(data: string, context: string, row: ProtocolRow): void {
    if (this.openCertificate && applyCertificateRow(this.openCertificate, context, own(data))) return;
    if (STATUS_LIKE.test(data) || STATUS_LIKE.test(context)) this.statusIn(data !== '' && context !== '' ? `${data} ${context}` : data || context, row);
    if (data === '') {
      const owner = certificateLabelOwner(context);
      if (owner) {
        // The first certificate of each side counts; a later one (a re-validation) is read and dropped.
        this.openCertificate = this.certificateRows[owner] ? emptyRows() : (this.certificateRows[owner] = emptyRows());
        return;
      }
    }
    this.openCertificate = null;
    if (context.endsWith(' Subject alternate names')) {
      const single = singleRowCertificate(data, context);
      if (single) {
        this.singleRowCertificates[single.owner] ??= { ...single.certificate, dnsNames: [...single.certificate.dnsNames] };
        return;
      }
    }
    const text = context !== '' ? context : data;
    // Most information rows (`receiving message`, `Set Session Permissions`, …) are none of those below.
    const c = text.charCodeAt(0);
    if (c !== 84 /* T */ && c !== 67 /* C */) return;
    const success = tlsSuccessOf(text);
    if (success) {
      this.tlsSuccess = success;
      return;
    }
    const failure = parseTlsFailure(text);
    if (failure) {
      this.details.tlsError = own(failure);
      return;
    }
    const capabilities = parseTlsDomainCapabilities(text);
    if (capabilities) {
      this.details.tlsDomainCapabilities = { capabilities: own(capabilities.capabilities), status: own(capabilities.status), domain: capabilities.domain === null ? null : own(capabilities.domain) };
      return;
    }
    const validation = parseClientCertificateValidation(text);
    if (validation) this.details.clientCertificateValidation = own(validation);
  }

  private certificateOf(owner: CertificateOwner): CertificateSeen | null {
    const single = this.singleRowCertificates[owner];
    if (single) return single;
    const rows = this.certificateRows[owner];
    return rows ? certificateFromRows(rows) : null;
  }

  finish(): SmtpSessionObservation {
    const own = this.certificateOf('own');
    const peer = this.certificateOf('peer');
    let serverCertificates: CertificateSeen[] | null;
    let clientCertificates: CertificateSeen[] | null;
    if (this.viewpoint === 'server') {
      serverCertificates = own ? [own] : null;
      // Exchange says so when the client sent none (FORMATS.md 3, receive-side policy rows).
      const noneReceived = this.details.clientCertificateValidation === 'EmptyCertificate' || this.details.tlsDomainCapabilities?.status === 'NoRemoteCertificate';
      clientCertificates = peer ? [peer] : noneReceived ? [] : null;
    } else {
      serverCertificates = peer ? [peer] : null;
      // A send log names the certificate Exchange offers (`Sending certificate`) at the same level
      // it logs the server's: with the server's logged and TLS up, no such row means none was sent
      // (when the session's rows from its start are in the log: otherwise not known).
      clientCertificates = own ? [own] : peer && this.tlsSuccess && this.startSeen ? [] : null;
    }
    const tls =
      this.tlsSuccess || own || peer
        ? {
            version: this.tlsSuccess?.version ?? null,
            cipher: this.tlsSuccess?.cipher ?? null,
            serverCertificates,
            clientCertificateRequested: null,
            clientCertificates,
          }
        : null;
    const local = endpointOf(this.local);
    const remote = endpointOf(this.remote);
    return {
      origin: 'protocol-log',
      viewpoint: this.viewpoint,
      at: this.at,
      client: this.viewpoint === 'server' ? remote : local,
      server: this.viewpoint === 'server' ? local : remote,
      connector: this.connector === '' ? null : this.connector,
      serverName: this.serverName,
      banner: this.banner,
      ehlo: this.ehlo,
      extensions: this.extensions ?? [],
      // Exchange transport has no implicit TLS: a session whose TLS came up had its STARTTLS (or
      // X-ANONYMOUSTLS) accepted, even when the rows that said so are not in the log (its start cut off).
      starttls: this.starttls === 'none' && this.tlsSuccess ? 'accepted' : this.starttls,
      tls,
      replies: this.replies,
      protocolLog: { ...this.details },
      source: { file: this.file, line: this.firstLine },
    };
  }

  /**
   * The statuses read in the session (replies of 400 and above, `*` rows), each tied to its row,
   * with the session's connector and endpoints (NDR-CATALOG `PLOG`): call after finish().
   */
  statusObservations(session: SmtpSessionObservation): StatusObservation[] {
    return this.statuses === null ? [] : sessionStatusObservations(this.statuses, session, this.file);
  }
}
