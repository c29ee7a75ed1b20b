import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowResult, Hop } from '../../src/engine/flow-types.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { readTopology } from '../../src/ingest/topology/read-topology.js';
import type { Case } from '../../src/model/case.js';
import { renderWhatIfJson, renderWhatIfMarkdown, renderWhatIfText, whatIfVerdict } from '../../src/report/render-whatif.js';
import type { Finding } from '../../src/rules/finding.js';
import { whatIf, whatIfExitCode } from '../../src/whatif.js';
import { compareFlows } from '../../src/whatif-flows.js';

/**
 * Issue "Advice you can trust", item 3: what-if tells the truth. Regression tests for what a new
 * user saw: the tool's own S1 fix called a regression; breaking changes called safe.
 */

const AT = new Date('2026-11-22T00:00:00Z');

async function example(name: string): Promise<Case> {
  const loaded = await loadCase([`examples/${name}`]);
  expect(loaded.fatal).toBeNull();
  return loaded.case;
}

// SCENARIOS S1 "Fix": Fqdn of the Edge send connector to Office 365, then TlsSenderCertificateName
// (examples/s1-provider-wildcard-fixed/topology.yaml is the estate after both steps).
const S1_FIX = [
  "Set-SendConnector 'Outbound to Office 365 - 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -Fqdn smtpo365.varunagroup.de",
  "Set-InboundConnector 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -TlsSenderCertificateName smtpo365.varunagroup.de",
];

describe('S1: the two-step fix from the write-up', () => {
  it('is safe: exit 0, the S1 findings resolved, nothing broken', async () => {
    const r = whatIf(await example('s1-provider-wildcard'), S1_FIX, { at: AT });
    expect(whatIfExitCode(r)).toBe(0);
    expect(r.flows.filter((f) => f.regressed)).toEqual([]);
    expect(r.findingsAdded.filter((f) => f.severity === 'error')).toEqual([]);
    const resolved = r.findingsResolved.map((f) => f.rule);
    for (const rule of ['inbound-cert-name-overmatch', 'relay-through-foreign-tenant']) expect(resolved).toContain(rule);
    // The customer's mail no longer passes the provider's tenant: fixed, not merely changed.
    const customer = r.flows.find((f) => f.from === 'alice@setebos-ag.com' && f.to === 'carol@fabrikam.com' && f.before.kind === 'message')!;
    expect(customer.verdict).toBe('fixed');
    const text = renderWhatIfText(r);
    expect(text.split('\n')[0]).toMatch(/^SAFE: no flow that works today breaks/);
    expect(text).not.toContain('BREAKS');
  });

  it('the journal report that existed only because of the fault is resolved, and the identical reports are listed once', async () => {
    const r = whatIf(await example('s1-provider-wildcard'), S1_FIX, { at: AT });
    const journal = r.flows.filter((f) => f.before.kind === 'journal-report' && f.after === null);
    expect(journal).toHaveLength(1);
    expect(journal[0]!.verdict).toBe('resolved');
    expect(journal[0]!.regressed).toBe(false);
    // Both messages' journal reports (the provider's own and its customer's) in that one entry.
    const parents = [journal[0]!.before, ...journal[0]!.sameAs].map((f) => f.parent?.from).sort();
    expect(parents).toEqual(['alice@setebos-ag.com', 'alice@varunagroup.de']);
    const text = renderWhatIfText(r);
    expect(text.match(/RESOLVED journal report MicrosoftExchange@varunagroup\.onmicrosoft\.com → journal@varunagroup\.de/g)).toHaveLength(1);
    const json = JSON.parse(renderWhatIfJson(r));
    expect(json.verdict).toMatchObject({ safe: true, brokenFlows: 0, addedErrors: 0, resolvedFlows: 2 });
  });
});

describe('changes that break mail are called breaking', () => {
  it('S2: disabling the IP connector breaks relay (delivered → rejected 5.7.64), exit 1', async () => {
    const r = whatIf(await example('s2-cert-connector-before'), ['Set-InboundConnector "On-premises relay (IP)" -Enabled $false'], { at: AT });
    expect(whatIfExitCode(r)).toBe(1);
    const relay = r.flows.find((f) => f.to === 'dave@tailspintoys.com')!;
    expect(relay.verdict).toBe('broken');
    expect(relay.reasons[0]).toContain('delivered → rejected (550 5.7.64 TenantAttribution; Relay Access Denied)');
    // M3: mail for the tenant's own mailbox no longer matches its connector and counts as internet mail.
    const hybrid = r.flows.find((f) => f.to === 'bob@contoso.com' && f.before.origin === 'Contoso')!;
    expect(hybrid.verdict).toBe('broken');
    expect(hybrid.reasons.join(' ')).toContain('no longer attributed to contoso.onmicrosoft.com by its connector "On-premises relay (IP)"');
    expect(renderWhatIfText(r).split('\n')[0]).toMatch(/^NOT SAFE: 3 flow\(s\) that work today break/);
  });

  it('M10: CloudServicesMailEnabled $false on the tenant\'s inbound connector — on-premises → cloud goes from Internal to Anonymous: broken', async () => {
    const r = whatIf(await example('clean-hybrid'), ['Set-InboundConnector "Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433" -CloudServicesMailEnabled $false'], { at: AT });
    const toCloud = r.flows.find((f) => f.before.origin === 'Contoso' && f.to === 'bob@contoso.com')!;
    expect(toCloud.after!.outcome).toBe('delivered');
    expect(toCloud.verdict).toBe('broken');
    expect(toCloud.reasons.join(' ')).toMatch(/arrives AuthAs Anonymous instead of Internal/);
    expect(whatIfExitCode(r)).toBe(1);
    expect(renderWhatIfText(r)).not.toContain('No flow that works today');
  });

  it('a receive connector pointed at a missing certificate: the added failure finding makes it breaking, and the summary agrees', () => {
    // clean-hybrid with the Default Frontend connector the wizard configures (M8: Exchange Online lands there).
    const yaml = readFileSync('examples/clean-hybrid/topology.yaml', 'utf8').replace(
      '    RemoteDomains:',
      [
        '    ReceiveConnectors:',
        '      - Name: Default Frontend EX01',
        '        Server: EX01',
        '        Bindings: ["0.0.0.0:25"]',
        '        RemoteIPRanges: ["0.0.0.0-255.255.255.255"]',
        '        TlsCertificateName: "<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US"',
        '        TlsDomainCapabilities: ["mail.protection.outlook.com:AcceptCloudServicesMail"]',
        '        AuthMechanism: Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer',
        '        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyInterop',
        '        TransportRole: FrontendTransport',
        '        Enabled: true',
        '    RemoteDomains:',
      ].join('\n'),
    );
    const read = readTopology(yaml, 'topology.yaml', 'examples/clean-hybrid');
    expect(read.fatal).toBeNull();
    const r = whatIf(read.case, ["Set-ReceiveConnector 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail-old.contoso.com'"], { at: AT });
    // RULES connector-stale-certificate-reference (v2): receive side, no STARTTLS, 451 5.7.3 for Exchange Online.
    expect(r.findingsAdded.map((f) => f.rule)).toContain('connector-stale-certificate-reference');
    expect(whatIfExitCode(r)).toBe(1);
    const v = whatIfVerdict(r);
    expect(v.safe).toBe(false);
    expect(v.text).toMatch(/^NOT SAFE/);
    expect(v.text).toContain('connector-stale-certificate-reference');
    const text = renderWhatIfText(r);
    expect(text).not.toContain('No flow that works today');
    expect(text).not.toMatch(/^SAFE/m);
    expect(renderWhatIfMarkdown(r)).toContain('**NOT SAFE');
  });
});

// Synthetic flows: the judgement itself, independent of any estate.
function hop(p: Partial<Hop> = {}): Hop {
  return {
    from: 'Contoso/EX01',
    to: 'contoso-com.mail.protection.outlook.com',
    presented: { certificate: 'mail.contoso.com', thumbprint: null, ip: '203.0.113.10', ehlo: null },
    attribution: { tenant: 'contoso.onmicrosoft.com', connector: 'Inbound from on-premises', direction: 'outbound', reason: '', step: 'certificate' },
    sender: { type: 'internet' },
    decisions: [],
    eop: null,
    authAs: 'Internal',
    tls: null,
    ...p,
  };
}

function flow(p: Partial<FlowResult> = {}): FlowResult {
  return {
    spec: { From: 'alice@contoso.com', To: 'bob@contoso.com', Origin: null, Destination: null, Expect: null, provenance: { file: 'x' } },
    from: 'alice@contoso.com',
    to: 'bob@contoso.com',
    origin: 'Contoso',
    destination: 'contoso.onmicrosoft.com',
    kind: 'message',
    generated: true,
    parent: null,
    outcome: 'delivered',
    response: null,
    finalResponse: null,
    expiresAfter: null,
    targets: null,
    tenants: ['contoso.onmicrosoft.com'],
    hops: [hop()],
    anomalies: [],
    assumptions: [],
    conclusion: '',
    journalReports: [],
    ...p,
  } as FlowResult;
}

const none = { findingsAdded: [] as Finding[], findingsResolved: [] as Finding[] };

describe('the judgement of one flow', () => {
  it('delivered → deferred is broken (CONTRACT v1.1: a deferral ends in an NDR)', () => {
    const after = flow({ outcome: 'deferred', response: '450 4.7.320 Certificate validation failed', finalResponse: '550 4.4.7 QUEUE.Expired; message expired', expiresAfter: '24h' });
    const [c] = compareFlows([flow()], [after], none).flows;
    expect(c).toMatchObject({ verdict: 'broken', regressed: true });
    expect(c!.reasons[0]).toBe('delivered → deferred (450 4.7.320 Certificate validation failed)');
  });

  it('the same connector but AuthAs Anonymous instead of Internal is broken (M10)', () => {
    const [c] = compareFlows([flow()], [flow({ hops: [hop({ authAs: 'Anonymous' })] })], none).flows;
    expect(c!.verdict).toBe('broken');
  });

  it('from its connector to none is broken (M3), unless a finding the change resolves names that connector (the fault leaving)', () => {
    const after = flow({ hops: [hop({ authAs: 'Anonymous', attribution: { tenant: 'contoso.onmicrosoft.com', connector: null, direction: 'inbound', reason: '', step: 'recipient' } })] });
    expect(compareFlows([flow()], [after], none).flows[0]!.verdict).toBe('broken');
    const before = flow({ hops: [hop({ authAs: 'Anonymous' })] });
    const fault: Finding = { rule: 'inbound-cert-name-overmatch', severity: 'error', title: '', message: '', subjects: [{ type: 'InboundConnector', name: 'Inbound from on-premises', tenant: 'contoso.onmicrosoft.com' }], evidence: [], fix: [], references: [] };
    expect(compareFlows([before], [after], { findingsAdded: [], findingsResolved: [fault] }).flows[0]!.verdict).toBe('fixed');
  });

  it('rejected → delivered is fixed; an identical flow is unchanged and not counted as changed', () => {
    expect(compareFlows([flow({ outcome: 'rejected', response: '550 5.7.64' })], [flow()], none).flows[0]!.verdict).toBe('fixed');
    expect(compareFlows([flow()], [flow()], none).flows[0]).toMatchObject({ verdict: 'unchanged', changed: false, regressed: false });
  });

  it('an added error finding that names a delivered flow makes it broken, even where the outcome did not change', () => {
    const added: Finding = { rule: 'x-fails', severity: 'error', title: 'Mail fails', message: '', subjects: [{ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' }], evidence: [], fix: [], references: [] };
    const [c] = compareFlows([flow()], [flow()], { findingsAdded: [added], findingsResolved: [] }).flows;
    expect(c!.verdict).toBe('broken');
    expect(c!.reasons[0]).toBe('the change adds x-fails: Mail fails');
  });
});
