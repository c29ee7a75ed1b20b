import type { Diagnostic } from '../../model/diagnostics.js';

/**
 * Secrets the key log holds for one TLS session, found by its ClientHello random.
 * TLS 1.3 traffic secrets are 32 or 48 bytes (the suite's hash length); the TLS 1.2 master secret is 48 bytes.
 */
export interface TlsSecrets {
  clientHandshakeTrafficSecret?: Buffer;
  serverHandshakeTrafficSecret?: Buffer;
  clientTrafficSecret0?: Buffer;
  serverTrafficSecret0?: Buffer;
  masterSecret?: Buffer;
}

/** What a key log file held, for the input report (records read and skipped). */
export interface KeyLogCounts {
  /** Non-blank, non-comment lines. */
  lines: number;
  /** Lines whose secret is kept (one of the five labels used for decryption). */
  used: number;
  /** Well-formed lines with a label decryption does not need (RSA, EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, ECH_*…). */
  ignored: number;
  /** Lines reported as diagnostics and skipped. */
  malformed: number;
}

export interface KeyLog {
  /** Number of distinct sessions (client randoms) with at least one usable secret. */
  readonly size: number;
  secretsFor(clientRandom: Uint8Array): TlsSecrets | null;
  /** Line counts of the file(s) this key log was read from. */
  readonly counts?: KeyLogCounts;
}

type SecretField = keyof TlsSecrets;

/** NSS key log labels (draft-ietf-tls-keylogfile §3) used for decryption, and the secret lengths each may have. */
const USED_LABELS: ReadonlyMap<string, { field: SecretField; lengths: readonly number[] }> = new Map([
  ['CLIENT_RANDOM', { field: 'masterSecret', lengths: [48] }],
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', { field: 'clientHandshakeTrafficSecret', lengths: [32, 48] }],
  ['SERVER_HANDSHAKE_TRAFFIC_SECRET', { field: 'serverHandshakeTrafficSecret', lengths: [32, 48] }],
  ['CLIENT_TRAFFIC_SECRET_0', { field: 'clientTrafficSecret0', lengths: [32, 48] }],
  ['SERVER_TRAFFIC_SECRET_0', { field: 'serverTrafficSecret0', lengths: [32, 48] }],
]);

/**
 * Labels a key log may hold that decryption of a capture does not need: early data (0-RTT) and exporter secrets,
 * the legacy `RSA` line (pre-master secret by encrypted-pre-master prefix), and ECH secrets.
 */
const IGNORED_LABELS: ReadonlySet<string> = new Set([
  'RSA',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'EARLY_EXPORTER_SECRET',
  'EXPORTER_SECRET',
  'ECH_SECRET',
  'ECH_CONFIG',
]);

/**
 * Secrets after a KeyUpdate (OpenSSL logs them as CLIENT_TRAFFIC_SECRET_N / SERVER_TRAFFIC_SECRET_N): the decryptor
 * derives them from secret 0 itself (RFC 8446 §7.2), so they are counted and not needed.
 */
const LATER_TRAFFIC_SECRET = /^(?:CLIENT|SERVER)_TRAFFIC_SECRET_(?:N|[1-9]\d*)$/;
const CLIENT_RANDOM_HEX = 64;
/** A key log of a large capture can hold thousands of bad lines; beyond this many, one summary diagnostic. */
const MAX_DIAGNOSTICS = 50;
const HEX = /^[0-9a-fA-F]*$/;

class MapKeyLog implements KeyLog {
  constructor(
    readonly sessions: Map<string, TlsSecrets>,
    readonly counts: KeyLogCounts,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  secretsFor(clientRandom: Uint8Array): TlsSecrets | null {
    if (clientRandom.length !== CLIENT_RANDOM_HEX / 2) return null;
    return this.sessions.get(Buffer.from(clientRandom.buffer, clientRandom.byteOffset, clientRandom.length).toString('hex')) ?? null;
  }
}

/**
 * NSS key log format (SSLKEYLOGFILE): CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 * CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0 (others such as EXPORTER_SECRET, EARLY_* counted and ignored);
 * comments (#) and blank lines; CRLF; malformed lines are diagnostics with file:line, never throws.
 * Diagnostics never repeat secret material: a key log is a credential.
 */
export function parseKeyLog(text: string, file: string): { keyLog: KeyLog; diagnostics: Diagnostic[] } {
  const sessions = new Map<string, TlsSecrets>();
  const counts: KeyLogCounts = { lines: 0, used: 0, ignored: 0, malformed: 0 };
  const diagnostics: Diagnostic[] = [];
  let unreported = 0;
  const report = (lineNo: number, message: string, severity: Diagnostic['severity'] = 'warning'): void => {
    if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push({ severity, location: `${file}:${lineNo}`, message });
    else unreported++;
  };

  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    counts.lines++;

    const fields = line.split(/\s+/);
    const label = fields[0] ?? '';
    const used = USED_LABELS.get(label);
    if (!used) {
      if (IGNORED_LABELS.has(label) || LATER_TRAFFIC_SECRET.test(label)) {
        counts.ignored++;
      } else {
        counts.malformed++;
        report(lineNo, `not a key log line: unknown label "${printable(label)}" (expected CLIENT_RANDOM, *_TRAFFIC_SECRET*, … followed by a client random and a secret in hex)`);
      }
      continue;
    }
    const problem = checkFields(fields, used.lengths);
    if (problem) {
      counts.malformed++;
      report(lineNo, `${label} line skipped: ${problem}`);
      continue;
    }
    const clientRandom = (fields[1] as string).toLowerCase();
    const secret = Buffer.from(fields[2] as string, 'hex');
    let secrets = sessions.get(clientRandom);
    if (!secrets) {
      secrets = {};
      sessions.set(clientRandom, secrets);
    }
    const known = secrets[used.field];
    if (known && !known.equals(secret)) {
      counts.malformed++;
      report(lineNo, `${label} for client random ${clientRandom.slice(0, 16)}… is given again with a different secret; the first one is kept`);
      continue;
    }
    secrets[used.field] = secret;
    counts.used++;
  }
  if (unreported > 0) {
    diagnostics.push({ severity: 'warning', location: file, message: `${unreported} more key log lines skipped for the same kinds of reasons` });
  }
  return { keyLog: new MapKeyLog(sessions, counts), diagnostics };
}

function checkFields(fields: string[], secretLengths: readonly number[]): string | null {
  if (fields.length !== 3) return `expected 3 fields (label, client random, secret), found ${fields.length}`;
  const clientRandom = fields[1] as string;
  const secret = fields[2] as string;
  if (!HEX.test(clientRandom) || clientRandom.length !== CLIENT_RANDOM_HEX) {
    return `the client random must be ${CLIENT_RANDOM_HEX} hex digits (32 bytes), found ${describeToken(clientRandom)}`;
  }
  if (!HEX.test(secret) || secret.length % 2 !== 0 || !secretLengths.includes(secret.length / 2)) {
    const expected = secretLengths.map((n) => `${n * 2}`).join(' or ');
    return `the secret must be ${expected} hex digits, found ${describeToken(secret)}`;
  }
  return null;
}

function describeToken(token: string): string {
  return HEX.test(token) ? `${token.length} hex digits` : `${token.length} characters, not all hex`;
}

function printable(label: string): string {
  const clean = label.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

/**
 * One key log from several (a --keylog file and the Decryption Secrets Blocks of a pcapng): per session, each secret
 * is taken from the first log that has it.
 */
/**
 * Key logs that arrive one at a time (a pcapng Decryption Secrets Block per capture segment):
 * each is merged into one map once, so n blocks cost their total size, not n² re-merges.
 * Secrets already held win, as in combineKeyLogs.
 */
export class GrowingKeyLog implements KeyLog {
  private readonly merged = new MapKeyLog(new Map(), { lines: 0, used: 0, ignored: 0, malformed: 0 });
  private readonly others: KeyLog[] = [];

  get size(): number {
    return this.merged.size + this.others.reduce((n, log) => n + log.size, 0);
  }

  add(log: KeyLog): void {
    if (!(log instanceof MapKeyLog)) {
      this.others.push(log);
      return;
    }
    const c = this.merged.counts;
    c.lines += log.counts.lines;
    c.used += log.counts.used;
    c.ignored += log.counts.ignored;
    c.malformed += log.counts.malformed;
    for (const [clientRandom, secrets] of log.sessions) {
      const held = this.merged.sessions.get(clientRandom);
      this.merged.sessions.set(clientRandom, held ? { ...secrets, ...held } : secrets);
    }
  }

  secretsFor(clientRandom: Uint8Array): TlsSecrets | null {
    const found = this.merged.secretsFor(clientRandom);
    if (found || this.others.length === 0) return found;
    for (const log of this.others) {
      const s = log.secretsFor(clientRandom);
      if (s) return s;
    }
    return null;
  }
}

export function combineKeyLogs(logs: KeyLog[]): KeyLog {
  if (logs.length === 1) return logs[0] as KeyLog;
  if (logs.every((log): log is MapKeyLog => log instanceof MapKeyLog)) {
    const sessions = new Map<string, TlsSecrets>();
    const counts: KeyLogCounts = { lines: 0, used: 0, ignored: 0, malformed: 0 };
    for (const log of logs) {
      counts.lines += log.counts.lines;
      counts.used += log.counts.used;
      counts.ignored += log.counts.ignored;
      counts.malformed += log.counts.malformed;
      for (const [clientRandom, secrets] of log.sessions) {
        const merged = sessions.get(clientRandom);
        sessions.set(clientRandom, merged ? { ...secrets, ...merged } : { ...secrets });
      }
    }
    return new MapKeyLog(sessions, counts);
  }
  // Key logs from elsewhere: ask each in turn; the count of sessions may then include a session twice.
  return {
    size: logs.reduce((n, log) => n + log.size, 0),
    secretsFor(clientRandom: Uint8Array): TlsSecrets | null {
      const found = logs.map((log) => log.secretsFor(clientRandom)).filter((s): s is TlsSecrets => s !== null);
      // Spread the first log last so its secrets win.
      return found.length === 0 ? null : Object.assign({}, ...found.reverse()) as TlsSecrets;
    },
  };
}
