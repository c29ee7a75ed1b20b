import { describe, expect, it } from 'vitest';
import type { FlowResult } from '../../src/engine/flow-types.js';
import { exchangeOnlineEndpointOf, isExchangeOnlineHost } from '../../src/model/domains.js';
import { diagnose, exampleTopology, variant } from '../rules/rule-test-kit.js';

/**
 * EXO-SEMANTICS M13 (endpoints) with NDR-CATALOG texts: legacy FOPE/Frontbridge hosts and EOP
 * address literals are answered 451 4.4.62 ATTR35 (deferred until the sender's queue expires);
 * client-submission hosts refuse an unauthenticated relay with 5.7.57 (rejected); sovereign
 * instances are separate services.
 */
const HYBRID = exampleTopology('clean-hybrid');
const SMART_HOST = 'SmartHosts: [contoso-com.mail.protection.outlook.com]';
const ATTR35 = '451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.';

function flow(yaml: string, origin: string, to: string): FlowResult {
  const f = diagnose(yaml).simulation.flows.find((x) => x.origin === origin && x.to === to);
  if (!f) throw new Error(`no flow ${origin} → ${to}`);
  return f;
}

describe('host classification (M1, M13)', () => {
  it('worldwide, DNSSEC and sovereign MX hosts are EOP of their instance', () => {
    expect(exchangeOnlineEndpointOf('contoso-com.mail.protection.outlook.com')).toEqual({ kind: 'eop', instances: ['Worldwide'], dnssec: false });
    expect(exchangeOnlineEndpointOf('contoso-com.a-v1.mx.microsoft.')).toEqual({ kind: 'eop', instances: ['Worldwide'], dnssec: true });
    expect(exchangeOnlineEndpointOf('contoso-com.mail.protection.office365.us')).toEqual({ kind: 'eop', instances: ['USGovGCCHigh', 'USGovDoD'], dnssec: false });
    expect(exchangeOnlineEndpointOf('Contoso-com.mail.protection.partner.outlook.cn')).toEqual({ kind: 'eop', instances: ['China'], dnssec: false });
    expect(isExchangeOnlineHost('contoso-com.mail.protection.office365.us')).toBe(true);
  });

  it('legacy and submission hosts are not MX endpoints (smtp.hve.mx.microsoft is submission although under mx.microsoft)', () => {
    expect(exchangeOnlineEndpointOf('mail.messaging.microsoft.com').kind).toBe('legacy');
    expect(exchangeOnlineEndpointOf('contoso.mail.global.frontbridge.com').kind).toBe('legacy');
    for (const h of ['smtp.office365.com', 'smtp-legacy.office365.com', 'smtp.hve.mx.microsoft']) expect(exchangeOnlineEndpointOf(h).kind).toBe('submission');
    expect(isExchangeOnlineHost('smtp.office365.com')).toBe(false);
    expect(exchangeOnlineEndpointOf('mail.contoso.com').kind).toBe('none');
  });
});

describe('smart hosts that are not the MX endpoint (M13)', () => {
  it('mail.messaging.microsoft.com as smart host: deferred 451 4.4.62 ATTR35, NDR after the server expiry', () => {
    const f = flow(variant(HYBRID, SMART_HOST, 'SmartHosts: [mail.messaging.microsoft.com]'), 'Contoso', 'bob@contoso.com');
    expect(f.outcome).toBe('deferred');
    expect(f.response).toBe(ATTR35);
    expect(f.finalResponse).toBe('550 4.4.7 QUEUE.Expired; message expired');
    expect(f.expiresAfter).toBe('2d');
    expect(f.tenants).toEqual([]);
  });

  it('an EOP address literal as smart host is answered ATTR35 too', () => {
    expect(flow(variant(HYBRID, SMART_HOST, 'SmartHosts: ["[40.107.22.5]"]'), 'Contoso', 'bob@contoso.com').response).toBe(ATTR35);
  });

  it('smtp.office365.com as an unauthenticated smart host: rejected 5.7.57 at MAIL FROM', () => {
    const f = flow(variant(HYBRID, SMART_HOST, 'SmartHosts: [smtp.office365.com]'), 'Contoso', 'bob@contoso.com');
    expect(f.outcome).toBe('rejected');
    expect(f.response).toMatch(/^530 5\.7\.57 Client was not authenticated to send anonymous mail during MAIL FROM/);
  });

  it('a send connector that authenticates (SmartHostAuthMechanism BasicAuthRequireTLS) is not refused', () => {
    const yaml = variant(HYBRID, SMART_HOST, 'SmartHosts: [smtp.office365.com]\n        SmartHostAuthMechanism: BasicAuthRequireTLS');
    const f = flow(yaml, 'Contoso', 'bob@contoso.com');
    expect(f.outcome).toBe('delivered');
    expect(f.assumptions.join(' ')).toMatch(/credentials/);
  });
});

describe('sovereign instances are separate (M13 [model])', () => {
  const GCC = variant(HYBRID, '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n', '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n    Instance: USGovGCCHigh\n');

  it('a GCC High tenant reached at the worldwide host whose certificate validates: ATTR35 (its connectors do not exist there)', () => {
    const yaml = variant(variant(GCC, 'TlsAuthLevel: DomainValidation', 'TlsAuthLevel: CertificateValidation'), '        TlsDomain: mail.protection.outlook.com\n', '');
    const f = flow(yaml, 'Contoso', 'bob@contoso.com');
    expect(f.outcome).toBe('deferred');
    expect(f.response).toBe(ATTR35);
    expect(f.conclusion).toMatch(/GCC High/);
  });

  it('the same relay sent to the GCC High host is attributed', () => {
    const yaml = variant(variant(variant(GCC, 'TlsAuthLevel: DomainValidation', 'TlsAuthLevel: CertificateValidation'), '        TlsDomain: mail.protection.outlook.com\n', ''), SMART_HOST, 'SmartHosts: [contoso-com.mail.protection.office365.us]');
    const f = flow(yaml, 'Contoso', 'bob@contoso.com');
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.attribution.connector).toBe('Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433');
  });

  it('an internet sender whose MX lookup gives the worldwide host for a GCC High tenant is answered ATTR35; the .us MX delivers', () => {
    const wrongMx = variant(GCC, '    tailspintoys.com: [mail.tailspintoys.com]\n', '    tailspintoys.com: [mail.tailspintoys.com]\n    contoso.us: [contoso-us.mail.protection.outlook.com]\n');
    const yaml = variant(wrongMx, 'AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]', 'AcceptedDomains: [contoso.com, contoso.us, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]') + '\nflows:\n  - From: dave@tailspintoys.com\n    To: erin@contoso.us\n';
    expect(flow(yaml, '(internet)', 'erin@contoso.us').response).toBe(ATTR35);
    const fixed = variant(yaml, 'contoso.us: [contoso-us.mail.protection.outlook.com]', 'contoso.us: [contoso-us.mail.protection.office365.us]');
    expect(flow(fixed, '(internet)', 'erin@contoso.us').outcome).toBe('delivered');
  });

  it('a GCC High domain without MX in the case is not sent to the wrong instance by the implied MX (unknown is not false)', () => {
    const yaml = variant(GCC, 'AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]', 'AcceptedDomains: [contoso.com, contoso.us, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]') + '\nflows:\n  - From: dave@tailspintoys.com\n    To: erin@contoso.us\n';
    const f = flow(yaml, '(internet)', 'erin@contoso.us');
    expect(f.outcome).toBe('delivered');
    // M13: the implied MX is the host of the tenant's own instance.
    expect(f.hops[0]!.to).toBe('contoso-us.mail.protection.office365.us');
    expect(f.assumptions.join(' ')).toMatch(/contoso\.us has no MX in the case; taken to point at Exchange Online \(USGovGCCHigh\)/);
  });
});

