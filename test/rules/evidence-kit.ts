import { diagnoseCase, type Diagnosis } from '../../src/diagnose.js';
import { EvidenceCollector } from '../../src/ingest/evidence/evidence-collector.js';
import type { CertificateSeen, HeaderHop, HeaderMessageObservation, SmtpSessionObservation, TraceObservation } from '../../src/model/evidence.js';
import type { Finding } from '../../src/rules/finding.js';
import { AT, loadTopology } from './rule-test-kit.js';

/**
 * Observations as the evidence readers produce them, for the evidence rules' tests: each rule is
 * tested on the observation shape, independent of the file format it came from.
 */

export function traceRow(p: Partial<TraceObservation> & { sender: string; recipient: string }): TraceObservation {
  return {
    at: '2026-11-01T10:00:00Z',
    tenantId: null,
    inboundConnector: null,
    direction: 'Inbound',
    clientIp: null,
    clientHostname: null,
    status: 'Delivered',
    response: null,
    messageId: null,
    source: { file: 'trace.csv', line: 2 },
    ...p,
  };
}

export function seenCertificate(p: Partial<CertificateSeen> & { commonName: string }): CertificateSeen {
  return {
    subject: `CN=${p.commonName}`,
    dnsNames: [p.commonName],
    issuer: 'CN=R11, O=Let\'s Encrypt, C=US',
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    sha1: null,
    sha256: null,
    selfSigned: false,
    ...p,
  };
}

export const EXO_SERVER_CERTIFICATE = seenCertificate({ commonName: 'mail.protection.outlook.com', dnsNames: ['mail.protection.outlook.com', '*.mail.protection.outlook.com'], issuer: 'CN=DigiCert Cloud Services CA-1' });

export function session(p: Partial<SmtpSessionObservation> = {}): SmtpSessionObservation {
  return {
    origin: 'capture',
    viewpoint: 'wire',
    at: '2026-11-01T10:00:00Z',
    client: { ip: '203.0.113.10', port: 50123 },
    server: { ip: '40.107.22.10', port: 25 },
    connector: null,
    serverName: 'AM4PEPF00027A6C.mail.protection.outlook.com',
    banner: '220 AM4PEPF00027A6C.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready',
    ehlo: 'ex01.contoso.com',
    extensions: ['PIPELINING', 'SIZE 157286400', 'STARTTLS', 'ENHANCEDSTATUSCODES', '8BITMIME'],
    starttls: 'accepted',
    tls: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', serverCertificates: [EXO_SERVER_CERTIFICATE], clientCertificateRequested: true, clientCertificates: [] },
    replies: [{ command: 'STARTTLS', code: 220, enhanced: '2.0.0', text: 'SMTP server ready' }],
    source: { file: 'capture.pcap', line: 1 },
    ...p,
  };
}

export function hop(p: Partial<HeaderHop> & { by: string; kind: HeaderHop['kind'] }): HeaderHop {
  return { from: null, with: 'ESMTPS', ip: null, tls: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' }, date: '2026-11-01T10:00:00Z', delaySeconds: 0, ...p };
}

export function headerMessage(p: Partial<HeaderMessageObservation> & { hops: HeaderHop[] }): HeaderMessageObservation {
  return {
    messageId: '<1@contoso.com>',
    subject: 'Test',
    from: 'alice@contoso.com',
    authAs: 'Internal',
    authSource: null,
    authMechanism: null,
    crossTenantId: null,
    crossTenantAuthAs: null,
    crossTenantFromEntityHeader: null,
    directionality: null,
    originatorOrg: null,
    crossedPremises: false,
    source: { file: 'message.eml', line: 1 },
    ...p,
  };
}

export interface EvidenceInput {
  traces?: TraceObservation[];
  sessions?: SmtpSessionObservation[];
  messages?: HeaderMessageObservation[];
}

/** The topology (may be empty) plus the observations, through the collector the loader uses, diagnosed at the tests' moment. */
export function diagnoseWithEvidence(yaml: string | null, input: EvidenceInput): Diagnosis {
  const c = loadTopology(yaml ?? 'kind: mailflow-topology\nversion: 1\n');
  const collector = new EvidenceCollector();
  for (const o of input.traces ?? []) collector.trace(o);
  for (const o of input.sessions ?? []) collector.session(o);
  for (const o of input.messages ?? []) collector.message(o);
  c.evidence = collector.finish();
  return diagnoseCase(c, { at: AT });
}

export function evidenceFindings(yaml: string | null, input: EvidenceInput, ruleId: string): Finding[] {
  return diagnoseWithEvidence(yaml, input).ruleFindings!.filter((f) => f.rule === ruleId);
}
