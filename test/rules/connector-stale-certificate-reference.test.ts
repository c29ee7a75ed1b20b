import { describe, expect, it } from 'vitest';
import { commands, diagnose, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant, withCertificate } from './rule-test-kit.js';

const RULE = 'connector-stale-certificate-reference';
const SMTP = '6666666666666666666666666666666666666666';
const DIGICERT = 'CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US';

const RELAY = fixtureTopology('onprem-relay.yaml');
/** NDR-CATALOG / EXO-SEMANTICS M2: the queue text of a send connector whose named certificate cannot be used. */
const NOT_FOUND = '454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.';
/** Every flow of the fixture leaves by the one send connector (address space *). */
const RELAY_FLOWS = ['alice@contoso.com → dave@tailspintoys.com', 'alice@contoso.com → erin@northwind.com', 'alice@contoso.com → frank@fabrikam.com', 'alice@contoso.com → bob@contoso.com'].map((name) => ({ type: 'Flow', name }));

function sendNames(value: string, yaml = RELAY): string {
  return variant(yaml, 'RequireTLS: true', `RequireTLS: true\n        TlsCertificateName: "${value}"`);
}

/** The relay estate with a receive connector for Exchange Online on EX01 naming `value`. */
function receiveNames(value: string): string {
  return variant(
    RELAY,
    'certificates:\n',
    `    ReceiveConnectors:\n      - Name: Inbound from Office 365\n        Server: EX01\n        TlsCertificateName: "${value}"\n        RemoteIPRanges: [40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14, 104.47.0.0/17, "2a01:111:f400::/48", "2a01:111:f403::/48"]\n        Enabled: true\ncertificates:\n`,
  );
}

describe('connector-stale-certificate-reference', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires when a send connector names a certificate that is not installed (renewed by another CA)', () => {
    const f = onlyFinding(sendNames("<I>CN=R11, O=Let's Encrypt, C=US<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US"), RULE);
    expect(f.severity).toBe('error');
    // M2: the flows the connector carries stay queued (deferred) and are named.
    expect(f.subjects).toEqual([{ type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' }, ...RELAY_FLOWS]);
    expect(f.message).toContain('no certificate on EX01 has issuer CN=R11, O=Let\'s Encrypt, C=US and subject CN=smtp.contoso.com, O=Contoso Ltd, C=US');
    expect(f.message).toContain('454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found');
    // The installed certificate with that subject is the replacement to name.
    expect(commands(f)).toEqual([`Set-SendConnector -Identity 'Outbound via Office 365' -TlsCertificateName '<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US'`]);
  });

  it('is silent when the send connector names the installed, valid certificate', () => {
    expect(findingsOf(sendNames(`<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US`), RULE)).toEqual([]);
  });

  it('fires when one of the source servers lacks the named certificate (the send fails from that server)', () => {
    let yaml = sendNames(`<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US`);
    yaml = variant(yaml, '    SendConnectors:\n', '      - Name: EX02\n        Fqdn: ex02.corp.contoso.com\n        Role: Mailbox\n        AdminDisplayVersion: Version 15.2 (Build 1748.10)\n        IPAddresses: [203.0.113.11]\n    SendConnectors:\n');
    yaml = variant(yaml, 'SourceTransportServers: [EX01]', 'SourceTransportServers: [EX01, EX02]');
    const f = onlyFinding(yaml, RULE);
    expect(f.message).toContain('no certificate on EX02 has issuer');
    expect(f.message).not.toContain('on EX01');
  });

  it('M2 (v2): an expired named certificate is still presented, so this rule is silent (certificate-expired reports it) and EOP matches no connector', () => {
    const yaml = withCertificate(sendNames(`<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US`), SMTP, 'NotAfter', '2026-10-31T23:59:59Z');
    expect(findingsOf(yaml, RULE)).toEqual([]);
    const relay = diagnose(yaml).simulation.flows.find((x) => x.to === 'dave@tailspintoys.com')!;
    expect(relay).toMatchObject({ outcome: 'rejected', response: '550 5.7.64 TenantAttribution; Relay Access Denied' });
  });

  it.each(['Invalid', 'RevocationCheckFailure'])('M2 (v2): a named certificate whose Status is %s fails the send like a missing one (454 4.7.5, deferred)', (status) => {
    const yaml = withCertificate(sendNames(`<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US`), SMTP, 'Status', status);
    const relay = diagnose(yaml).simulation.flows.find((x) => x.to === 'dave@tailspintoys.com')!;
    expect(relay).toMatchObject({ outcome: 'deferred', response: NOT_FOUND });
    const f = onlyFinding(yaml, RULE);
    expect(f.message).toContain(`has Status ${status}`);
    expect(f.subjects).toEqual([{ type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' }, ...RELAY_FLOWS]);
    // No other installed certificate has that subject: the fix lists the server's certificates (real values, no placeholder).
    expect(commands(f)).toEqual(['Get-ExchangeCertificate -Server EX01 | Format-List Thumbprint,Issuer,Subject,NotAfter,Status,Services']);
    // The deferral is explained here, so flow-fails stays silent for these flows.
    expect(findingsOf(yaml, 'flow-fails')).toEqual([]);
  });

  it('is silent when the named certificate has Status Valid', () => {
    expect(findingsOf(withCertificate(sendNames(`<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US`), SMTP, 'Status', 'Valid'), RULE)).toEqual([]);
  });

  it('fires when a receive connector names a missing certificate (KB2989382), and asks for the Hybrid Configuration Wizard', () => {
    const f = onlyFinding(receiveNames("<I>CN=R10, O=Let's Encrypt, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US"), RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([{ type: 'ReceiveConnector', name: 'Inbound from Office 365', organization: 'Contoso' }]);
    expect(f.message).toContain('stops offering STARTTLS');
    expect(f.message).toContain('451 5.7.3 STARTTLS is required to send mail');
    expect(commands(f)).toEqual([`Set-ReceiveConnector -Identity 'Inbound from Office 365' -TlsCertificateName '<I>${DIGICERT}<S>CN=mail.contoso.com, O=Contoso Ltd, C=US'`]);
    expect(f.fix.some((s) => s.text.includes('Hybrid Configuration Wizard'))).toBe(true);
  });

  it('is silent when the receive connector names the installed certificate', () => {
    expect(findingsOf(receiveNames(`<I>${DIGICERT}<S>CN=mail.contoso.com, O=Contoso Ltd, C=US`), RULE)).toEqual([]);
  });
});
