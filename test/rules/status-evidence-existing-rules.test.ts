import { describe, expect, it } from 'vitest';
import { exampleTopology, fixtureTopology, variant } from './rule-test-kit.js';
import { diagnoseWithStatuses, statusFindings, statusGroup } from './status-kit.js';

/**
 * RULES.md v2: the rules that fire from configuration or simulation also fire from recognised
 * statuses (NDR-CATALOG texts) — and where both concern the same connector or route, the evidence
 * joins the configuration finding (one root cause, one finding) instead of a second finding.
 */

const CLEAN = exampleTopology('clean-hybrid');
const MISMATCH = exampleTopology('exo-onprem-subject-mismatch');
const OUTBOUND = 'Outbound to 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const SEND = 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const DIGICERT = '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US';
/** EX02's Default Frontend configured as the HCW configures EX01's: the configuration shows no TLS fault. */
const MISMATCH_FIXED = variant(MISMATCH, '        Fqdn: ex02.corp.contoso.com\n        Enabled: true', `        Fqdn: ex02.corp.contoso.com\n        TlsCertificateName: "${DIGICERT}"\n        TlsDomainCapabilities: ["mail.protection.outlook.com:AcceptCloudServicesMail"]\n        Enabled: true`);

// NDR-CATALOG, exact texts.
const SUBJECT_MISMATCH = '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]';
const STARTTLS_317 = '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]';
const REFUSED = '450 4.4.316 Connection refused [Message=Socket error code 10061]';
const RELAY_54 = '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain';
const ATTR34 = '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [BN8NAM12FT053.eop-nam12.prod.protection.outlook.com]';
const ATTR35 = '451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.';
const ATTR36 = '550 5.7.64 Relay Access Denied ATTR36. For more details please refer to: https://support.microsoft.com/kb/3169958';
const TENANT_ATTRIBUTION = '550 5.7.64 TenantAttribution; Relay Access Denied';
const BANNED = '550 5.7.606 Access denied, banned sending IP [198.51.100.9]';

const toOnPremises = (text: string, extra: Parameters<typeof statusGroup>[1] = {}) =>
  statusGroup(text, { origin: 'message-trace', sender: 'alice@contoso.com', recipient: 'bob@contoso.com', connector: OUTBOUND, remoteHost: 'mail2.contoso.com', ...extra });

describe('exo-to-onprem-tls-validation-fails from evidence', () => {
  const RULE = 'exo-to-onprem-tls-validation-fails';

  it('M8.6: the configuration finding (EX02 presents CN=EX02) and the trace Defer rows agree: one finding with both', () => {
    const g = toOnPremises(SUBJECT_MISMATCH, { count: 3, first: '2026-11-20T09:00:00Z', last: '2026-11-20T12:00:00Z' });
    const found = statusFindings(MISMATCH, { statuses: [g] }, RULE);
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.subjects[0]).toEqual({ type: 'ReceiveConnector', name: 'Default Frontend EX02', organization: 'Contoso' });
    expect(f.message).toContain('Confirmed by 3 trace rows between 2026-11-20T09:00:00Z and 2026-11-20T12:00:00Z');
    expect(f.evidence.some((e) => e.source === 'simulation')).toBe(true);
    expect(f.evidence.some((e) => e.source === `evidence.csv:${g.sample.source.line}` && e.text.includes(SUBJECT_MISMATCH))).toBe(true);
  });

  it('when the configuration shows no fault, the evidence stands as its own finding naming the outbound connector', () => {
    const [f, ...rest] = statusFindings(MISMATCH_FIXED, { statuses: [toOnPremises(SUBJECT_MISMATCH)] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'OutboundConnector', name: OUTBOUND, tenant: 'contoso.onmicrosoft.com' }]);
    expect(f!.message).toContain(SUBJECT_MISMATCH);
    expect(f!.fix[0]).toMatchObject({ command: `Get-OutboundConnector -Identity '${OUTBOUND}' | Format-List Name,Enabled,SmartHosts,UseMXRecord,TlsSettings,TlsDomain,RecipientDomains,RouteAllMessagesViaOnPremises`, where: 'Exchange Online PowerShell' });
    for (const s of f!.fix) expect(s.command ?? '').not.toMatch(/[<>]/);
  });

  it('is silent for another Defer code (4.4.316 belongs to exo-to-onprem-connection-fails)', () => {
    expect(statusFindings(MISMATCH_FIXED, { statuses: [toOnPremises(REFUSED)] }, RULE)).toEqual([]);
  });
});

describe('exo-to-onprem-starttls-unavailable / exo-to-onprem-connection-fails / cmt-inbound-relay-denied from evidence', () => {
  it('KB2989382: 4.4.317 … 451 5.7.3 STARTTLS is required on a trace Defer row fires the STARTTLS rule, not the connection rule', () => {
    const statuses = [toOnPremises(STARTTLS_317, { remoteHost: 'mail.contoso.com', rule: 'exo-to-onprem-starttls-unavailable' })];
    const [f, ...rest] = statusFindings(CLEAN, { statuses }, 'exo-to-onprem-starttls-unavailable');
    expect(rest).toEqual([]);
    expect(f!.message).toContain('STARTTLS is required to send mail');
    expect(statusFindings(CLEAN, { statuses }, 'exo-to-onprem-connection-fails')).toEqual([]);
  });

  it('MFI: 4.4.316 Connection refused fires exo-to-onprem-connection-fails, and not the STARTTLS rule', () => {
    const statuses = [toOnPremises(REFUSED, { remoteHost: 'mail.contoso.com' })];
    const [f, ...rest] = statusFindings(CLEAN, { statuses }, 'exo-to-onprem-connection-fails');
    expect(rest).toEqual([]);
    expect(f!.message).toContain(REFUSED);
    expect(statusFindings(CLEAN, { statuses }, 'exo-to-onprem-starttls-unavailable')).toEqual([]);
  });

  it('M14: 550 5.7.54 on an outbound-connector delivery fires cmt-inbound-relay-denied; the allow-list text does not', () => {
    const relay = statusGroup(RELAY_54, { origin: 'message-trace', sender: 'alice@contoso.com', recipient: 'x@fabrikam.com', connector: OUTBOUND });
    expect(statusFindings(CLEAN, { statuses: [relay] }, 'cmt-inbound-relay-denied')).toHaveLength(1);
    const allow = statusGroup('550 5.7.1 Unable to Relay: Blocked by Customer Allow list', { origin: 'ndr', connector: OUTBOUND });
    expect(statusFindings(CLEAN, { statuses: [allow] }, 'cmt-inbound-relay-denied')).toEqual([]);
  });
});

describe('routing-loop from evidence', () => {
  const RULE = 'routing-loop';
  const LOOP = exampleTopology('routing-loop');

  it('M5.2: the simulated loop and an NDR with 5.4.14 ATTR34 for the same route make one finding', () => {
    const g = statusGroup(ATTR34, { origin: 'ndr', sender: 'dave@tailspintoys.com', recipient: 'bob@contoso.com' });
    const found = statusFindings(LOOP, { statuses: [g] }, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toContainEqual({ type: 'Flow', name: 'dave@tailspintoys.com → bob@contoso.com' });
    expect(found[0]!.message).toContain('Confirmed by 1 NDR');
  });

  it('without a simulated loop the NDR is its own finding; another code is not a loop', () => {
    const [f, ...rest] = statusFindings(CLEAN, { statuses: [statusGroup(ATTR34, { origin: 'ndr', recipient: 'bob@contoso.com' })] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'Recipient', name: 'bob@contoso.com' }]);
    expect(statusFindings(CLEAN, { statuses: [statusGroup(TENANT_ATTRIBUTION, { origin: 'ndr', recipient: 'bob@contoso.com' })] }, RULE)).toEqual([]);
  });
});

describe('legacy-or-wrong-exo-endpoint from evidence', () => {
  const RULE = 'legacy-or-wrong-exo-endpoint';
  const LEGACY = variant(CLEAN, 'SmartHosts: [contoso-com.mail.protection.outlook.com]', 'SmartHosts: [mail.messaging.microsoft.com]');

  it('M13: the send connector using a legacy host and a queue showing ATTR35 on it make one finding', () => {
    const found = statusFindings(LEGACY, { statuses: [statusGroup(ATTR35, { origin: 'queue', connector: SEND })] }, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects[0]).toEqual({ type: 'SendConnector', name: SEND, organization: 'Contoso' });
    expect(found[0]!.message).toContain('Confirmed by 1 queue entry');
  });

  it('ATTR35 evidence alone fires; 5.7.57 is the submission case; another code does not', () => {
    expect(statusFindings(CLEAN, { statuses: [statusGroup(ATTR35, { origin: 'queue', connector: SEND })] }, RULE)[0]!.message).toContain('ATTR35');
    const auth = statusGroup('530 5.7.57 Client not authenticated to send mail', { origin: 'protocol-log', connector: SEND });
    expect(statusFindings(CLEAN, { statuses: [auth] }, RULE)[0]!.message).toContain('5.7.57');
    expect(statusFindings(CLEAN, { statuses: [statusGroup(TENANT_ATTRIBUTION, { origin: 'queue', connector: SEND })] }, RULE)).toEqual([]);
  });
});

describe('tenant-attribution-rejected and relay-cert-domain-not-immediate-parent from evidence', () => {
  it('S2/M4: 5.7.64 TenantAttribution in an NDR fires, naming the send connector the queue names', () => {
    const [f, ...rest] = statusFindings(CLEAN, { statuses: [statusGroup(TENANT_ATTRIBUTION, { origin: 'queue', connector: SEND, sender: 'app@contoso.com', recipient: 'x@fabrikam.com' })] }, 'tenant-attribution-rejected');
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'SendConnector', name: SEND, organization: 'Contoso' }]);
    expect(f!.evidence.some((e) => e.text.includes(TENANT_ATTRIBUTION))).toBe(true);
  });

  it('the older 550 5.4.1 Relay Access Denied fires too; DBEB 5.4.1 Recipient address rejected does not', () => {
    expect(statusFindings(CLEAN, { statuses: [statusGroup('550 5.4.1 Relay Access Denied', { origin: 'ndr', clientIp: '203.0.113.10' })] }, 'tenant-attribution-rejected')).toHaveLength(1);
    const dbeb = statusGroup('550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', { origin: 'ndr', clientIp: '203.0.113.10' });
    expect(statusFindings(CLEAN, { statuses: [dbeb] }, 'tenant-attribution-rejected')).toEqual([]);
  });

  it('KB4019940: the certificate under a grandparent domain and an ATTR36 NDR make one relay-cert finding (and tenant-attribution-rejected fires too)', () => {
    let yaml = fixtureTopology('onprem-relay.yaml');
    yaml = variant(yaml, 'TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: smtp.hub.contoso.com');
    yaml = variant(yaml, 'Subject: CN=smtp.contoso.com, O=Contoso Ltd, C=US\n    CertificateDomains: [smtp.contoso.com]', 'Subject: CN=smtp.hub.contoso.com, O=Contoso Ltd, C=US\n    CertificateDomains: [smtp.hub.contoso.com]');
    yaml = variant(yaml, 'RequireTLS: true', 'RequireTLS: true\n        Fqdn: smtp.hub.contoso.com');
    const g = statusGroup(ATTR36, { origin: 'ndr', sender: 'app@apps.example', recipient: 'dave@tailspintoys.com', rule: 'relay-cert-domain-not-immediate-parent' });
    const d = diagnoseWithStatuses(yaml, { statuses: [g] });
    const relay = d.ruleFindings!.filter((f) => f.rule === 'relay-cert-domain-not-immediate-parent');
    expect(relay).toHaveLength(1);
    expect(relay[0]!.subjects[0]).toEqual({ type: 'InboundConnector', name: 'On-premises relay (certificate)', tenant: 'contoso.onmicrosoft.com' });
    expect(relay[0]!.message).toContain('Confirmed by 1 NDR');
    expect(d.ruleFindings!.filter((f) => f.rule === 'tenant-attribution-rejected')).toHaveLength(1);
  });

  it('ATTR36 evidence without the configuration is its own relay-cert finding; plain 5.7.64 is not ATTR36', () => {
    expect(statusFindings(CLEAN, { statuses: [statusGroup(ATTR36, { origin: 'ndr', clientIp: '203.0.113.10' })] }, 'relay-cert-domain-not-immediate-parent')).toHaveLength(1);
    expect(statusFindings(CLEAN, { statuses: [statusGroup(TENANT_ATTRIBUTION, { origin: 'ndr', clientIp: '203.0.113.10' })] }, 'relay-cert-domain-not-immediate-parent')).toEqual([]);
  });
});

describe('ip-blocklisted from evidence', () => {
  it('S4.8: 5.7.606 in an NDR names the banned address from the text', () => {
    const [f, ...rest] = statusFindings(null, { statuses: [statusGroup(BANNED, { origin: 'ndr' })] }, 'ip-blocklisted');
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'Host', name: '198.51.100.9' }]);
    expect(f!.message).toContain('5.7.606');
  });

  it('is silent for 5.7.708 (connector-or-tenant-blocked)', () => {
    expect(statusFindings(null, { statuses: [statusGroup('550 5.7.708 Access denied, traffic not accepted from this IP', { origin: 'ndr', clientIp: '198.51.100.9' })] }, 'ip-blocklisted')).toEqual([]);
  });
});

describe('evidence-contradicts-model from statuses (v2)', () => {
  const RULE = 'evidence-contradicts-model';

  it('a Defer row on a route the simulator predicts delivered (EX02 configured like EX01) contradicts the model', () => {
    const [f, ...rest] = statusFindings(MISMATCH_FIXED, { statuses: [toOnPremises(SUBJECT_MISMATCH)] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('warning');
    expect(f!.subjects).toEqual([{ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' }]);
    expect(f!.message).toContain('predicts the message delivered');
  });

  it('is silent where the simulator predicts the deferral itself (EX02 presents CN=EX02)', () => {
    expect(statusFindings(MISMATCH, { statuses: [toOnPremises(SUBJECT_MISMATCH)] }, RULE)).toEqual([]);
  });

  it('is silent where no prediction exists (a route the case does not simulate)', () => {
    const g = statusGroup(SUBJECT_MISMATCH, { origin: 'message-trace', sender: 'x@fabrikam.com', recipient: 'y@tailspintoys.com', connector: 'Unknown connector' });
    expect(statusFindings(MISMATCH_FIXED, { statuses: [g] }, RULE)).toEqual([]);
  });
});
