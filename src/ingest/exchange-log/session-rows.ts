import type { CertificateSeen, SessionEndpoint } from '../../model/evidence.js';
import { parseSingleRowCertificate, parseTlsSuccess, type CertificateOwner, type CertificateRows, type TlsSuccess } from './tls-info.js';

/** What a protocol-log session takes from single rows: remembered row readings, owned strings, endpoints. */

/**
 * A server logs the same certificate row and the same TLS row in session after session: the last
 * few rows read are kept with what was read from them (copied out of the chunk), so a repeat costs
 * a string comparison instead of a parse. Both parses are pure functions of the row text.
 */
const REMEMBERED = 4;
const certificateRowsSeen: { data: string; context: string; read: { owner: CertificateOwner; certificate: CertificateSeen } }[] = [];
const tlsRowsSeen: { text: string; read: TlsSuccess }[] = [];
let certificateNext = 0;
let tlsNext = 0;

export function singleRowCertificate(data: string, context: string): { owner: CertificateOwner; certificate: CertificateSeen } | null {
  for (const seen of certificateRowsSeen) if (seen.data === data && seen.context === context) return seen.read;
  const single = parseSingleRowCertificate(data, context);
  if (!single) return null;
  const read = { owner: single.owner, certificate: ownCertificate(single.certificate) };
  certificateRowsSeen[certificateNext] = { data: own(data), context: own(context), read };
  certificateNext = (certificateNext + 1) % REMEMBERED;
  return read;
}

/** The TLS success row's reading; the object is shared by the sessions that logged the same row, and never changed. */
export function tlsSuccessOf(text: string): TlsSuccess | null {
  for (const seen of tlsRowsSeen) if (seen.text === text) return seen.read;
  const success = parseTlsSuccess(text);
  if (!success) return null;
  const read = { protocol: own(success.protocol), version: success.version, cipher: own(success.cipher) };
  tlsRowsSeen[tlsNext] = { text: own(text), read };
  tlsNext = (tlsNext + 1) % REMEMBERED;
  return read;
}

/** The greeting of a one-row EHLO answer (`host Hello [ip]`), without splitting the keywords. */
export function oneRowGreeting(text: string): string {
  const close = text.indexOf(']');
  return close > 0 && /\sHello\s\[/i.test(text.slice(0, close + 1)) ? text.slice(0, close + 1) : (text.split(' ')[0] ?? text);
}

/**
 * A copy of a string that does not keep alive the multi-MB chunk it was sliced from (V8 slices
 * share their parent's storage): what a session or an observation keeps goes through here, so
 * memory follows the sessions, not the chunks they were read from.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function ownCertificate(c: CertificateSeen): CertificateSeen {
  const o = (v: string | null) => (v === null ? null : own(v));
  return { ...c, subject: o(c.subject), commonName: o(c.commonName), issuer: o(c.issuer), sha1: o(c.sha1), notBefore: o(c.notBefore), notAfter: o(c.notAfter), dnsNames: c.dnsNames.map(own) };
}

export function emptyRows(): CertificateRows {
  return { subject: null, issuer: null, thumbprint: null, names: [] };
}

/** `192.0.2.1:25`, `[2001:db8::1]:25` (how .NET writes an IPEndPoint). */
export function endpointOf(text: string): SessionEndpoint {
  const t = text.trim();
  if (t === '') return { ip: null, port: null };
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return { ip: t, port: null };
    const port = t.startsWith(':', close + 1) ? Number(t.slice(close + 2)) : NaN;
    return { ip: t.slice(1, close), port: Number.isInteger(port) ? port : null };
  }
  const colon = t.indexOf(':');
  if (colon < 0 || colon !== t.lastIndexOf(':')) return { ip: t, port: null };
  const port = Number(t.slice(colon + 1));
  return { ip: t.slice(0, colon), port: Number.isInteger(port) && t.length > colon + 1 ? port : null };
}
