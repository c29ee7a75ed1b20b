import { describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../src/diagnose.js';
import type { Case } from '../../src/model/case.js';
import { emptyEvidence, type Observed, type StatusObservation } from '../../src/model/evidence.js';
import { AT, commands, exampleTopology, findingsOf, loadTopology, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'partner-connector-restriction-rejects';
/** NDR-CATALOG 5.7.51 / EXO-SEMANTICS M15 [TLSBLOG25]. */
const TEXT =
  "550 5.7.51 TenantInboundAttribution; There is a partner connector configured that matched the message's recipient domain. The connector had either the RestrictDomainsToIPAddresses or RestrictDomainsToCertificate set";
const LOCK_DOWN = { type: 'InboundConnector', name: 'Lock down to the mail gateway', tenant: 'contoso.onmicrosoft.com' };
const HYBRID_FLOW = { type: 'Flow', name: 'bob@contoso.com → alice@contoso.mail.onmicrosoft.com' };
const ONPREM_CONNECTOR = 'Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';

const example = exampleTopology('partner-lockdown-hybrid');
/** The twin: the OnPremises connector names the certificate the server presents, so hybrid mail is Originating (M3). */
const fixed = variant(example, 'TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: mail.contoso.com');

/** A 5.7.51 as an evidence reader records it (the reader is not under test here). */
function withStatus(c: Case): Case {
  const sample: StatusObservation = {
    status: { entryId: '5.7.51-tenant-inbound-attribution', basicCode: 550, enhancedCode: '5.7.51', markers: [], text: TEXT, offset: 0 },
    rules: [RULE],
    origin: 'queue' as StatusObservation['origin'],
    at: '2026-11-20T10:00:00Z',
    sender: 'bob@contoso.com',
    recipient: 'alice@contoso.mail.onmicrosoft.com',
    connector: 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433',
    remoteHost: 'contoso-com.mail.protection.outlook.com',
    remoteIp: null,
    clientIp: null,
    lastError: null,
    tenantId: null,
    source: { file: 'queue.json' },
  };
  const group: Observed<StatusObservation> = { sample, count: 3, first: '2026-11-20T10:00:00Z', last: '2026-11-20T11:00:00Z', sources: [sample.source] };
  c.evidence = { ...emptyEvidence(), statuses: [group] };
  return c;
}

describe(RULE, () => {
  it('is an error in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M15: names the lock-down connector, the failing flow and the hybrid cause (the OnPremises connector did not match)', () => {
    const f = onlyFinding(example, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toContainEqual(LOCK_DOWN);
    expect(f.subjects).toContainEqual(HYBRID_FLOW);
    expect(f.message).toContain(TEXT);
    expect(f.message).toContain('source IP 203.0.113.10 is not in its SenderIPAddresses (198.51.100.10)');
    expect(f.message).toContain(`the OnPremises connector "${ONPREM_CONNECTOR}" did not match because the certificate presented`);
    expect(f.message).toContain('TlsSenderCertificateName smtp.contoso.com');
    // The failing flow is explained here, so flow-fails stays silent for it.
    expect(findingsOf(example, 'flow-fails')).toEqual([]);
  });

  it('offers fixes the what-if engine verifies: the OnPremises connector matching first, the [I2642] scoping as an alternative', () => {
    const f = onlyFinding(example, RULE);
    expect(f.fixVerification?.status).toBe('verified');
    expect(commands(f)).toEqual([`Set-InboundConnector -Identity '${ONPREM_CONNECTOR}' -TlsSenderCertificateName mail.contoso.com`]);
    expect(f.fix.every((s) => s.where === 'Exchange Online PowerShell')).toBe(true);
    const alternatives = (f.alternatives ?? []).flatMap((a) => a.fix.map((s) => s.command));
    expect(alternatives).toContain("Set-InboundConnector -Identity 'Lock down to the mail gateway' -AssociatedAcceptedDomains contoso.com");
  });

  it('is silent for the fixed twin: hybrid mail is attributed Originating and Partner connectors do not apply (M15)', () => {
    expect(findingsOf(fixed, RULE)).toEqual([]);
    expect(diagnoseCase(loadTopology(fixed), { at: AT }).simulation.flows.every((f) => f.outcome === 'delivered')).toBe(true);
  });

  it('RULES.md evidence: a 5.7.51 in the evidence is attached to the simulation finding when both exist', () => {
    const found = diagnoseCase(withStatus(loadTopology(example)), { at: AT }).findings.filter((f) => f.rule === RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.some((e) => e.source.includes('queue.json') && e.text.includes('5.7.51') && e.text.startsWith('3 rejections between'))).toBe(true);
  });

  it('RULES.md evidence: a 5.7.51 alone (the simulation delivers) still fires, naming the restricting connectors of the case', () => {
    const found = diagnoseCase(withStatus(loadTopology(fixed)), { at: AT }).findings.filter((f) => f.rule === RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([LOCK_DOWN]);
    expect(found[0]!.message).toMatch(/3 rejections with 5\.7\.51/);
    // Without the status and without a failing flow: nothing.
    expect(findingsOf(fixed, RULE)).toEqual([]);
  });
});
