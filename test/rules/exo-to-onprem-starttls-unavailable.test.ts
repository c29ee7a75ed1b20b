import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'exo-to-onprem-starttls-unavailable';
const EXAMPLE = exampleTopology('exo-onprem-subject-mismatch');
const DIGICERT = '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US';
const STARTTLS = '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]';
/** Only EX01 as smart host, so EX01's Default Frontend decides the flow. */
const ONLY_EX01 = variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com]');

function cloudFlow(yaml: string) {
  return diagnose(yaml).simulation.flows.find((x) => x.origin === 'contoso.onmicrosoft.com' && x.to === 'bob@contoso.com')!;
}

describe('exo-to-onprem-starttls-unavailable', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M7/M8.4 (KB2989382): TlsCertificateName naming a certificate that is not installed → no STARTTLS → 450 4.4.317 … 451 5.7.3', () => {
    const yaml = variant(ONLY_EX01, `TlsCertificateName: "${DIGICERT}"\n        TlsDomainCapabilities`, `TlsCertificateName: "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.contoso.com"\n        TlsDomainCapabilities`);
    expect(cloudFlow(yaml)).toMatchObject({ outcome: 'deferred', response: STARTTLS, expiresAfter: '24h' });
    const f = onlyFinding(yaml, RULE);
    expect(f.message).toContain('"Default Frontend EX01" on EX01 offers no STARTTLS');
    expect(f.message).not.toContain('Intermittent');
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(commands(f)[0]).toBe(`Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '${DIGICERT}'`);
  });

  it('M8.4: AuthMechanism without Tls offers no STARTTLS; the fix adds Tls', () => {
    const yaml = variant(ONLY_EX01, 'AuthMechanism: Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer\n        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers\n        Fqdn: ex01', 'AuthMechanism: Integrated, ExchangeServer\n        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers\n        Fqdn: ex01');
    const f = onlyFinding(yaml, RULE);
    expect(f.message).toContain('without Tls');
    expect(commands(f)).toContain("Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -AuthMechanism 'Integrated, ExchangeServer, Tls'");
    expect(f.fixVerification?.status).toBe('verified');
  });

  it('M8.5: with TlsSettings $null (opportunistic) a missing STARTTLS delivers in plain text: silent', () => {
    const yaml = variant(variant(ONLY_EX01, 'AuthMechanism: Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer\n        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers\n        Fqdn: ex01', 'AuthMechanism: Integrated\n        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers\n        Fqdn: ex01'), '        TlsSettings: DomainValidation\n', '');
    expect(cloudFlow(yaml).outcome).toBe('delivered');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });

  it('is silent when the connector offers STARTTLS with the installed certificate (the twin)', () => {
    expect(findingsOf(ONLY_EX01, RULE)).toEqual([]);
    expect(cloudFlow(ONLY_EX01).outcome).toBe('delivered');
  });
});
