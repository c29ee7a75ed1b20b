import type { AddressSpace, ExchangeServer, Organization, SendConnector } from '../model/case.js';
import { certificatesNamed, certificateTimeStatus, type Certificate } from '../model/certificate.js';
import { addressSpaceSpecificity } from '../model/domains.js';
import { certificateCoversHost } from './cert-name-match.js';

/**
 * On-premises Exchange routing decisions (EXO-SEMANTICS M2, M7): which send connector carries
 * a recipient domain, which source server sends, and which certificate that server presents.
 */

export interface AddressSpaceChoice<T> {
  item: T;
  addressSpace: AddressSpace;
  specificity: number;
}

/** The most specific matching address space wins, then the lowest cost (M7). */
export function chooseByAddressSpace<T>(items: readonly T[], spacesOf: (item: T) => readonly AddressSpace[], domain: string): AddressSpaceChoice<T> | null {
  let best: AddressSpaceChoice<T> | null = null;
  for (const item of items) {
    for (const a of spacesOf(item)) {
      if (a.Type !== 'SMTP') continue;
      const s = addressSpaceSpecificity(a.Domain, domain);
      if (s < 0) continue;
      if (!best || s > best.specificity || (s === best.specificity && a.Cost < best.addressSpace.Cost)) {
        best = { item, addressSpace: a, specificity: s };
      }
    }
  }
  return best;
}

export interface SendConnectorChoice {
  connector: SendConnector;
  addressSpace: AddressSpace;
  server: ExchangeServer;
  /** Connectors that matched the domain but cannot be used, with why. */
  skipped: string[];
}

export function serverByName(org: Organization, name: string): ExchangeServer | undefined {
  const n = name.toLowerCase();
  return org.Servers.find((s) => s.Name.toLowerCase() === n || s.Fqdn?.toLowerCase() === n || s.Fqdn?.toLowerCase().split('.')[0] === n);
}

/** Only enabled connectors whose source servers exist can carry mail (M7). */
export function chooseSendConnector(org: Organization, domain: string): SendConnectorChoice | { connector: null; skipped: string[] } {
  const skipped: string[] = [];
  const usable: { connector: SendConnector; server: ExchangeServer }[] = [];
  for (const c of org.SendConnectors) {
    if (chooseByAddressSpace([c], (x) => x.AddressSpaces, domain) === null) continue;
    if (!c.Enabled) {
      skipped.push(`send connector "${c.Name}" covers ${domain} but is disabled`);
      continue;
    }
    const server = c.SourceTransportServers.map((n) => serverByName(org, n)).find((s) => s !== undefined);
    if (!server) {
      skipped.push(`send connector "${c.Name}" covers ${domain} but none of its source servers (${c.SourceTransportServers.join(', ') || 'none'}) exists`);
      continue;
    }
    usable.push({ connector: c, server });
  }
  const best = chooseByAddressSpace(usable, (u) => u.connector.AddressSpaces, domain);
  if (!best) return { connector: null, skipped };
  return { connector: best.item.connector, server: best.item.server, addressSpace: best.addressSpace, skipped };
}

export type CertificateSource = 'TlsCertificateName' | 'Fqdn' | 'server FQDN' | 'none';

export interface PresentedCertificate {
  certificate: Certificate | null;
  source: CertificateSource;
  /** The name that selected the certificate (TlsCertificateName value, Fqdn, or server FQDN). */
  selector: string | null;
  /** When set, the send fails before any certificate is presented (KB3156771). */
  failure: string | null;
  explanation: string;
}

export const TLS_CERTIFICATE_NOT_FOUND = '454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.';

/**
 * EXO-SEMANTICS M2: a certificate named by TlsCertificateName whose `Status` is Invalid or
 * RevocationCheckFailure is not used; the send fails as if it were missing [LALIT][TLSBLOG25].
 * An expired one (`DateInvalid`) is still presented.
 */
export function isUnusableStatus(status: string | null): boolean {
  if (!status) return false;
  const s = status.trim().toLowerCase();
  return s === 'invalid' || s === 'revocationcheckfailure';
}

export function serverFqdn(server: ExchangeServer): string {
  return (server.Fqdn ?? server.Name).toLowerCase();
}

function isSmtpEnabled(cert: Certificate): boolean {
  return cert.Services === null || /smtp/i.test(cert.Services);
}

/**
 * [model] among several certificates covering a name: valid now, with a private key,
 * SMTP-enabled first, then the latest NotBefore (EXO-SEMANTICS M2).
 */
export function bestCertificateFor(host: string, candidates: readonly Certificate[], at: Date): Certificate | null {
  const covering = candidates.filter((c) => certificateCoversHost(c.names, host));
  if (covering.length === 0) return null;
  const rank = (c: Certificate): number[] => [
    certificateTimeStatus(c, at) === 'valid' || certificateTimeStatus(c, at) === 'unknown' ? 1 : 0,
    c.HasPrivateKey === false ? 0 : 1,
    isSmtpEnabled(c) ? 1 : 0,
    c.NotBefore ? Date.parse(c.NotBefore) || 0 : 0,
  ];
  return [...covering].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
    return a.Thumbprint.localeCompare(b.Thumbprint);
  })[0]!;
}

/**
 * The certificate a send connector presents from a server (M2): `TlsCertificateName` by issuer
 * and subject whatever its validity (missing → 454 4.7.5, KB3156771); else a certificate covering
 * the connector's `Fqdn`; else one covering the server's own FQDN; else none.
 */
export function presentedCertificate(connector: SendConnector, server: ExchangeServer, serverCerts: readonly Certificate[], at: Date): PresentedCertificate {
  if (connector.TlsCertificateName) {
    const found = certificatesNamed(connector.TlsCertificateName, serverCerts);
    if (found) {
      if (found.length === 0) {
        return {
          certificate: null,
          source: 'TlsCertificateName',
          selector: connector.TlsCertificateName,
          failure: TLS_CERTIFICATE_NOT_FOUND,
          explanation: `TlsCertificateName ${connector.TlsCertificateName} names no certificate installed on ${server.Name}; the send fails (KB3156771).`,
        };
      }
      // Several with that issuer and subject: the one with the latest expiry [TLSBLOG25].
      const chosen = [...found].sort((a, b) => (Date.parse(b.NotAfter ?? '') || 0) - (Date.parse(a.NotAfter ?? '') || 0))[0]!;
      if (isUnusableStatus(chosen.Status)) {
        return {
          certificate: null,
          source: 'TlsCertificateName',
          selector: connector.TlsCertificateName,
          failure: TLS_CERTIFICATE_NOT_FOUND,
          explanation: `TlsCertificateName ${connector.TlsCertificateName} selects ${chosen.Thumbprint} on ${server.Name}, whose Status is ${chosen.Status}; the send fails (KB3156771, EXO-SEMANTICS M2).`,
        };
      }
      // An expired certificate is still presented (M2 [model]); Exchange Online then matches no connector (M3).
      return { certificate: chosen, source: 'TlsCertificateName', selector: connector.TlsCertificateName, failure: null, explanation: `TlsCertificateName selects ${chosen.Subject} (${chosen.Thumbprint}).` };
    }
  }
  const fqdnNote = connector.TlsCertificateName ? `TlsCertificateName "${connector.TlsCertificateName}" is not in <I>issuer<S>subject form and is ignored; ` : '';
  if (connector.Fqdn) {
    const c = bestCertificateFor(connector.Fqdn, serverCerts, at);
    if (c) return { certificate: c, source: 'Fqdn', selector: connector.Fqdn, failure: null, explanation: `${fqdnNote}Fqdn ${connector.Fqdn} selects ${c.Subject} (${c.Thumbprint}).` };
  }
  const own = serverFqdn(server);
  const c = bestCertificateFor(own, serverCerts, at);
  if (c) {
    const why = connector.Fqdn ? `no certificate on ${server.Name} covers Fqdn ${connector.Fqdn}; ` : 'no TlsCertificateName or Fqdn; ';
    return { certificate: c, source: 'server FQDN', selector: own, failure: null, explanation: `${fqdnNote}${why}the server FQDN ${own} selects ${c.Subject} (${c.Thumbprint}).` };
  }
  const tried = [connector.Fqdn, own].filter(Boolean).join(' or ');
  return { certificate: null, source: 'none', selector: null, failure: null, explanation: `${fqdnNote}no certificate on ${server.Name} covers ${tried}: TLS without a client certificate.` };
}
