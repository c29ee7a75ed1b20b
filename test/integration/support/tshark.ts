import { createHash, X509Certificate } from 'node:crypto';
import { runOk } from './processes.js';

/**
 * What tshark reads from a capture, per TCP stream: the reference the capture reader is compared
 * with. Fields come from `tshark -T fields`; certificates as hex DER (`tls.handshake.certificate`),
 * fingerprinted here with node:crypto. tshark 4.0 field names (checked with `tshark -G fields`).
 */
export interface TsharkCertificate {
  sha1: string;
  sha256: string;
  subject: string;
  dnsNames: string[];
}

export interface TsharkReply {
  frame: number;
  code: number;
  /** Text after the code, one entry per line of a multi-line reply. */
  lines: string[];
}

export interface TsharkSession {
  stream: number;
  client: string;
  server: string;
  /** Commands in order as tshark splits them (tshark 4.0 shows STARTTLS as `STAR` + `TLS`). */
  commands: { frame: number; command: string; parameter: string }[];
  replies: TsharkReply[];
  tls: {
    /** From the ServerHello: supported_versions when present (TLS 1.3), else the legacy version. */
    version: string | null;
    cipherCode: number | null;
    /** Certificate messages as seen; null when none was visible (encrypted TLS 1.3, or absent). */
    serverCertificates: TsharkCertificate[] | null;
    clientCertificates: TsharkCertificate[] | null;
    /** A CertificateRequest (handshake type 13) was visible. */
    certificateRequest: boolean;
    /** Handshake message types seen, in order, from each side. */
    serverHandshakeTypes: number[];
    clientHandshakeTypes: number[];
  } | null;
}

const FIELDS = [
  'frame.number', 'tcp.stream', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport',
  'smtp.req.command', 'smtp.req.parameter', 'smtp.response.code', 'smtp.rsp.parameter',
  'tls.handshake.type', 'tls.handshake.version', 'tls.handshake.extensions.supported_version', 'tls.handshake.ciphersuite',
  'tls.handshake.certificates_length', 'tls.handshake.certificate',
] as const;
type Field = (typeof FIELDS)[number];

/** Between occurrences of one field: a byte no SMTP reply text or hex holds. */
const AGGREGATOR = '\x1f';

export const TLS_VERSION_NAMES: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };

/** The lab's listeners: SMTP with STARTTLS, and SMTPS (TLS from the first byte). */
export interface LabPorts {
  smtp: number;
  smtps: number;
}

export function tsharkArgs(file: string, ports: LabPorts, keylog: string | null): string[] {
  return [
    '-r', file, '-n',
    // tshark knows SMTP only on 25/465/587 by port: the lab's ports are declared, SMTPS as SMTP inside TLS.
    '-d', `tcp.port==${ports.smtp},smtp`, '-d', `tls.port==${ports.smtps},smtp`,
    ...(keylog ? ['-o', `tls.keylog_file:${keylog}`] : []),
    '-Y', 'smtp || tls.handshake',
    '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', `aggregator=${AGGREGATOR}`, '-E', 'quote=n',
    ...FIELDS.flatMap((f) => ['-e', f]),
  ];
}

export async function tsharkRows(file: string, ports: LabPorts, keylog: string | null): Promise<Record<Field, string[]>[]> {
  const r = await runOk('tshark', tsharkArgs(file, ports, keylog), { timeoutMs: 60_000 });
  return r.stdout.split('\n').filter((l) => l.length > 0).map((line) => {
    const cols = line.split('\t');
    const row = {} as Record<Field, string[]>;
    FIELDS.forEach((f, i) => (row[f] = cols[i] ? cols[i]!.split(AGGREGATOR) : []));
    return row;
  });
}

export function certificateFromHex(hex: string): TsharkCertificate {
  const der = Buffer.from(hex.replace(/:/g, ''), 'hex');
  const x509 = new X509Certificate(der);
  return {
    sha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    subject: x509.subject,
    dnsNames: [...(x509.subjectAltName ?? '').matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]!),
  };
}

/** Groups tshark's rows into sessions; the server is the side on one of the lab's ports. */
export async function tsharkSessions(file: string, ports: LabPorts, keylog: string | null): Promise<TsharkSession[]> {
  const sessions = new Map<number, TsharkSession>();
  for (const row of await tsharkRows(file, ports, keylog)) {
    const stream = Number(row['tcp.stream'][0]);
    const srcPort = Number(row['tcp.srcport'][0]);
    const fromServer = srcPort === ports.smtp || srcPort === ports.smtps;
    const src = `${row['ip.src'][0]}:${row['tcp.srcport'][0]}`;
    const dst = `${row['ip.dst'][0]}:${row['tcp.dstport'][0]}`;
    let session = sessions.get(stream);
    if (!session) {
      session = { stream, client: fromServer ? dst : src, server: fromServer ? src : dst, commands: [], replies: [], tls: null };
      sessions.set(stream, session);
    }
    const frame = Number(row['frame.number'][0]);
    row['smtp.req.command'].forEach((command, i) => session!.commands.push({ frame, command, parameter: row['smtp.req.parameter'][i] ?? '' }));
    // tshark gives the code once per reply and every line's text; the lab never pipelines, so
    // a frame holds at most one reply.
    if (row['smtp.response.code'].length === 1) {
      session.replies.push({ frame, code: Number(row['smtp.response.code'][0]), lines: row['smtp.rsp.parameter'] });
    } else if (row['smtp.response.code'].length > 1) {
      for (const code of row['smtp.response.code']) session.replies.push({ frame, code: Number(code), lines: [] });
    }
    const types = row['tls.handshake.type'].map(Number);
    if (types.length === 0) continue;
    session.tls ??= { version: null, cipherCode: null, serverCertificates: null, clientCertificates: null, certificateRequest: false, serverHandshakeTypes: [], clientHandshakeTypes: [] };
    const tls = session.tls;
    (fromServer ? tls.serverHandshakeTypes : tls.clientHandshakeTypes).push(...types);
    if (fromServer && types.includes(2)) {
      const supported = row['tls.handshake.extensions.supported_version'][0];
      const legacy = row['tls.handshake.version'][0];
      const code = Number(supported ?? legacy);
      tls.version = TLS_VERSION_NAMES[code] ?? `0x${code.toString(16)}`;
      tls.cipherCode = Number(row['tls.handshake.ciphersuite'][0]);
    }
    if (fromServer && types.includes(13)) tls.certificateRequest = true;
    if (types.includes(11)) {
      const certificates = row['tls.handshake.certificate'].map(certificateFromHex);
      if (fromServer) tls.serverCertificates = certificates;
      else tls.clientCertificates = certificates;
    }
  }
  return [...sessions.values()].sort((a, b) => a.stream - b.stream);
}

/** IANA cipher-suite names by code point, from `openssl ciphers -V -stdname`. */
export async function opensslCipherNames(): Promise<Map<number, { iana: string; openssl: string }>> {
  const r = await runOk('openssl', ['ciphers', '-V', '-stdname', 'ALL:COMPLEMENTOFALL']);
  const names = new Map<number, { iana: string; openssl: string }>();
  for (const m of r.stdout.matchAll(/0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)/g)) {
    names.set(parseInt(m[1]! + m[2]!, 16), { iana: m[3]!, openssl: m[4]! });
  }
  return names;
}
