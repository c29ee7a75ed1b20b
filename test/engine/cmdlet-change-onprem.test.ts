import { describe, expect, it } from 'vitest';
import { applyChange } from '../../src/engine/cmdlet-change.js';
import { applyKeepingInput, changedPaths, changeError, hybridCase, twoTenantCase } from './cmdlet-test-case.js';

const TO_EXO = 'organizations[0].SendConnectors[0]';
const INTERNET = 'organizations[0].SendConnectors[1]';

describe('Set-SendConnector', () => {
  it('changes only Fqdn (the example of the contract)', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-SendConnector "Internet" -Fqdn Mail.Contoso.com.');
    expect(changedPaths(c, r.case)).toEqual([`${INTERNET}.Fqdn`]);
    expect(r.case.organizations[0]!.SendConnectors[1]!.Fqdn).toBe('mail.contoso.com');
    expect(r.description).toBe('Set-SendConnector: send connector "Internet" in organization Contoso: Fqdn $null → mail.contoso.com');
    expect(r.subject).toEqual({ type: 'SendConnector', name: 'Internet', organization: 'Contoso' });
  });

  it('parses AddressSpaces as Exchange writes them: type, domain, cost', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-SendConnector Internet -AddressSpaces "SMTP:*;1", "fabrikam.com;2", smtp:*.Woodgrove.com');
    expect(r.case.organizations[0]!.SendConnectors[1]!.AddressSpaces).toEqual([
      { Type: 'SMTP', Domain: '*', Cost: 1, raw: 'SMTP:*;1' },
      { Type: 'SMTP', Domain: 'fabrikam.com', Cost: 2, raw: 'fabrikam.com;2' },
      { Type: 'SMTP', Domain: '*.woodgrove.com', Cost: 1, raw: 'smtp:*.Woodgrove.com' },
    ]);
    expect(r.description).toContain('AddressSpaces SMTP:*;1 → SMTP:*;1, SMTP:fabrikam.com;2, SMTP:*.woodgrove.com;1');
  });

  it('adds and removes address spaces by type and domain', () => {
    const r = applyChange(hybridCase(), 'Set-SendConnector "Outbound to Office 365" -AddressSpaces @{Add="contoso.mail.onmicrosoft.com;5","fabrikam.mail.onmicrosoft.com"; Remove="SMTP:CONTOSO.mail.onmicrosoft.com"}');
    expect(r.case.organizations[0]!.SendConnectors[0]!.AddressSpaces.map((a) => a.Domain)).toEqual(['fabrikam.mail.onmicrosoft.com']);
  });

  it('refuses address spaces Exchange refuses', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-SendConnector Internet -AddressSpaces "contoso.com;101"').message).toMatch(/^The cost in "contoso\.com;101" must be between 1 and 100 at column 43/);
    expect(changeError(c, 'Set-SendConnector Internet -AddressSpaces *contoso.com').message).toMatch(/a wildcard may only start the name/);
    expect(changeError(c, 'Set-SendConnector Internet -AddressSpaces "contoso.com;x"').message).toMatch(/^"contoso\.com;x" is not a valid address space for -AddressSpaces/);
  });

  it('routes to smart hosts only together with DNSRoutingEnabled $false', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-SendConnector Internet -SmartHosts gw.contoso.com').message).toBe(
      '"Internet" would have smart hosts while DNSRoutingEnabled is $true at column 28. Add -DNSRoutingEnabled $false to route to the smart hosts, or empty -SmartHosts with $null',
    );
    expect(changeError(c, 'Set-SendConnector Internet -DNSRoutingEnabled $false').message).toMatch(/would route by smart host \(DNSRoutingEnabled \$false\) but have no smart hosts/);
    const r = applyKeepingInput(c, 'Set-SendConnector Internet -DNSRoutingEnabled $false -SmartHosts gw1.contoso.com,[203.0.113.44]');
    expect(r.case.organizations[0]!.SendConnectors[1]).toMatchObject({ DNSRoutingEnabled: false, SmartHosts: ['gw1.contoso.com', '203.0.113.44'] });
  });

  it('takes a TlsCertificateName of the <I>issuer<S>subject form only', () => {
    const c = hybridCase();
    const name = "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=smtp.contoso.com";
    const r = applyKeepingInput(c, `Set-SendConnector "Outbound to Office 365" -TlsCertificateName "${name}"`);
    expect(changedPaths(c, r.case)).toEqual([`${TO_EXO}.TlsCertificateName`]);
    expect(r.case.organizations[0]!.SendConnectors[0]!.TlsCertificateName).toBe(name);
    expect(changeError(c, 'Set-SendConnector "Outbound to Office 365" -TlsCertificateName smtp.contoso.com').message).toMatch(
      /^"smtp\.contoso\.com" is not a valid value for -TlsCertificateName at column 64\. Write "<I>issuer<S>subject"/,
    );
  });

  it('needs RequireTLS for a TlsAuthLevel', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-SendConnector Internet -TlsAuthLevel DomainValidation').message).toMatch(/^TlsAuthLevel DomainValidation needs RequireTLS \$true on "Internet"/);
    const r = applyKeepingInput(c, 'Set-SendConnector Internet -RequireTLS $true -TlsAuthLevel domainvalidation -TlsDomain *.contoso.com');
    expect(r.case.organizations[0]!.SendConnectors[1]).toMatchObject({ RequireTLS: true, TlsAuthLevel: 'DomainValidation', TlsDomain: '*.contoso.com' });
  });

  it('checks SourceTransportServers against the organization', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-SendConnector Internet -SourceTransportServers EX01,EX09').message).toBe(
      '"EX09" is not a server of organization Contoso at column 28. Its transport servers: "EX01" and "EX02"',
    );
    const r = applyKeepingInput(c, 'Set-SendConnector Internet -SourceTransportServers @{Add="ex02"}');
    expect(r.case.organizations[0]!.SendConnectors[1]!.SourceTransportServers).toEqual(['EX01', 'ex02']);
  });

  it('keeps other real parameters under extra, ignoring session ones', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-SendConnector Internet -MaxMessageSize 35MB -Port 587 -ProtocolLoggingLevel verbose -DomainController dc01.contoso.com -Force');
    expect(r.case.organizations[0]!.SendConnectors[1]!.extra).toEqual({ MaxMessageSize: '35MB', Port: 587, ProtocolLoggingLevel: 'Verbose' });
    expect(changeError(c, 'Set-SendConnector Internet -Port 70000').message).toMatch(/^-Port must be between 0 and 65535, not 70000/);
  });

  it('asks to qualify a name found in two organizations', () => {
    const c = twoTenantCase();
    expect(changeError(c, 'Set-SendConnector "Outbound to Office 365" -Enabled $false').message).toBe(
      '"Outbound to Office 365" at column 19 matches 2 send connectors, in organization Contoso and organization Fabrikam. Qualify it: "Contoso\\Outbound to Office 365" and "Fabrikam\\Outbound to Office 365"',
    );
    const r = applyKeepingInput(c, 'Set-SendConnector "Fabrikam\\Outbound to Office 365" -Enabled $false');
    expect(changedPaths(c, r.case)).toEqual(['organizations[1].SendConnectors[0].Enabled']);
  });
});

describe('New-SendConnector and Remove-SendConnector', () => {
  it('creates a DNS-routed connector on every transport server of the organization', () => {
    const text = 'New-SendConnector -Internet -Name "To Woodgrove" -AddressSpaces woodgrove.com';
    const r = applyKeepingInput(hybridCase(), text);
    expect(r.case.organizations[0]!.SendConnectors[2]).toEqual({
      Name: 'To Woodgrove',
      AddressSpaces: [{ Type: 'SMTP', Domain: 'woodgrove.com', Cost: 1, raw: 'woodgrove.com' }],
      SmartHosts: [],
      DNSRoutingEnabled: true,
      Fqdn: null,
      TlsCertificateName: null,
      RequireTLS: false,
      TlsAuthLevel: null,
      TlsDomain: null,
      SourceTransportServers: ['EX01', 'EX02'],
      Enabled: true,
      CloudServicesMailEnabled: false,
      extra: { Internet: true },
      provenance: { file: `whatif: ${text}` },
    });
  });

  it('turns DNS routing off when smart hosts are given', () => {
    const r = applyChange(hybridCase(), 'New-SendConnector "Via gateway" -AddressSpaces * -SmartHosts gw.contoso.com -SourceTransportServers EX02');
    expect(r.case.organizations[0]!.SendConnectors[2]).toMatchObject({ DNSRoutingEnabled: false, SmartHosts: ['gw.contoso.com'], SourceTransportServers: ['EX02'] });
  });

  it('allows one usage type only', () => {
    expect(changeError(hybridCase(), 'New-SendConnector X -AddressSpaces * -Internet -Partner').message).toMatch(/^Only one usage type may be given, not -Internet and -Partner/);
  });

  it('needs -AddressSpaces', () => {
    expect(changeError(hybridCase(), 'New-SendConnector X').message).toBe('New-SendConnector needs -AddressSpaces: the parameter is mandatory');
  });

  it('removes the named connector', () => {
    const r = applyChange(hybridCase(), 'Remove-SendConnector "Outbound to Office 365" -Confirm:$false');
    expect(r.case.organizations[0]!.SendConnectors.map((s) => s.Name)).toEqual(['Internet']);
  });
});

describe('Set-ReceiveConnector', () => {
  it('finds a connector by Server\\Name and changes RemoteIPRanges', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-ReceiveConnector "EX02\\Default Frontend EX02" -RemoteIPRanges 203.0.113.0/24, 2001:DB8::/32, 198.51.100.1-198.51.100.9');
    expect(r.case.organizations[0]!.ReceiveConnectors[1]!.RemoteIPRanges).toEqual(['203.0.113.0/24', '2001:db8::/32', '198.51.100.1-198.51.100.9']);
    expect(changedPaths(c, r.case).every((p) => p.startsWith('organizations[0].ReceiveConnectors[1].RemoteIPRanges'))).toBe(true);
  });

  it('changes TlsCertificateName, Fqdn and Enabled', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-ReceiveConnector "Default Frontend EX01" -TlsCertificateName "<I>CN=R11<S>CN=mail.contoso.com" -Fqdn mail.contoso.com -Enabled $false');
    expect(changedPaths(c, r.case).sort()).toEqual(
      ['Enabled', 'Fqdn', 'TlsCertificateName'].map((p) => `organizations[0].ReceiveConnectors[0].${p}`),
    );
  });

  it('takes AuthMechanism as flags, in one string or a list, and checks their rules', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-ReceiveConnector "Default Frontend EX01" -AuthMechanism "tls, basicauth", BasicAuthRequireTLS');
    expect(r.case.organizations[0]!.ReceiveConnectors[0]!.AuthMechanism).toBe('Tls, BasicAuth, BasicAuthRequireTLS');
    expect(changeError(c, 'Set-ReceiveConnector "Default Frontend EX01" -AuthMechanism None,Tls').message).toMatch(/^The AuthMechanism value None can only be used by itself/);
    expect(changeError(c, 'Set-ReceiveConnector "Default Frontend EX01" -AuthMechanism BasicAuthRequireTLS').message).toMatch(/requires BasicAuth and Tls/);
    expect(changeError(c, 'Set-ReceiveConnector "Default Frontend EX01" -AuthMechanism Kerberos').message).toMatch(/^"Kerberos" is not a valid value for -AuthMechanism/);
  });

  it('refuses a host name that is not one', () => {
    expect(changeError(hybridCase(), 'Set-ReceiveConnector "Default Frontend EX01" -Fqdn "mail contoso"').message).toMatch(/^"mail contoso" is not a valid host name for -Fqdn/);
  });
});

describe('Set-AcceptedDomain', () => {
  it('asks to qualify a domain accepted both in a tenant and on premises', () => {
    expect(changeError(hybridCase(), 'Set-AcceptedDomain contoso.com -DomainType InternalRelay').message).toBe(
      '"contoso.com" at column 20 matches 2 accepted domains, in tenant contoso.onmicrosoft.com and organization Contoso. Qualify it: "contoso.onmicrosoft.com\\contoso.com" and "Contoso\\contoso.com"',
    );
  });

  it('changes DomainType of the qualified one', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-AcceptedDomain -Identity "Contoso\\contoso.mail.onmicrosoft.com" -DomainType authoritative');
    expect(changedPaths(c, r.case)).toEqual(['organizations[0].AcceptedDomains[1].DomainType']);
    expect(r.description).toBe('Set-AcceptedDomain: accepted domain contoso.mail.onmicrosoft.com in organization Contoso: DomainType InternalRelay → Authoritative');
    expect(r.subject).toEqual({ type: 'AcceptedDomain', name: 'contoso.mail.onmicrosoft.com', organization: 'Contoso' });
  });

  it('refuses ExternalRelay in a tenant, and unknown domain types', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-AcceptedDomain contoso.onmicrosoft.com\\contoso.com -DomainType ExternalRelay').message).toMatch(
      /^ExternalRelay is available only in on-premises Exchange, and contoso\.com is in tenant contoso\.onmicrosoft\.com/,
    );
    const r = applyKeepingInput(c, 'Set-AcceptedDomain Contoso\\contoso.com -DomainType ExternalRelay');
    expect(r.case.organizations[0]!.AcceptedDomains[0]!.DomainType).toBe('ExternalRelay');
    expect(changeError(c, 'Set-AcceptedDomain Contoso\\contoso.com -DomainType Relay').message).toMatch(/Valid values: Authoritative, InternalRelay, ExternalRelay$/);
  });

  it('accepts real settings the model has no place for, without changing anything', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-AcceptedDomain Contoso\\contoso.com -MatchSubDomains $true');
    expect(changedPaths(c, r.case)).toEqual([]);
    expect(r.description).toContain('MatchSubDomains $true accepted but not kept (the model has no such setting)');
  });
});

describe('Journal rules', () => {
  it('creates a rule disabled, with Global scope, as New-JournalRule does by default', () => {
    const text = 'New-JournalRule "Brokers" -JournalEmailAddress "Brokers Journal Mailbox" -Recipient brokers@contoso.com';
    const r = applyKeepingInput(hybridCase(), text);
    expect(r.case.tenants[0]!.JournalRules[1]).toEqual({
      Name: 'Brokers',
      Scope: 'Global',
      Recipient: 'brokers@contoso.com',
      JournalEmailAddress: 'Brokers Journal Mailbox',
      Enabled: false,
      extra: {},
      provenance: { file: `whatif: ${text}` },
    });
  });

  it('refuses a Recipient that is not an SMTP address', () => {
    expect(changeError(hybridCase(), 'New-JournalRule J -JournalEmailAddress j@archive.example -Recipient brokers').message).toMatch(/^"brokers" is not an SMTP address for -Recipient/);
  });

  it('changes Scope with Set-JournalRule, and switches rules with Enable-/Disable-JournalRule', () => {
    const c = hybridCase();
    expect(changedPaths(c, applyKeepingInput(c, 'Set-JournalRule "Journal all" -Scope external').case)).toEqual(['tenants[0].JournalRules[0].Scope']);
    const off = applyKeepingInput(c, 'Disable-JournalRule "Journal all" -Confirm:$false');
    expect(changedPaths(c, off.case)).toEqual(['tenants[0].JournalRules[0].Enabled']);
    expect(off.description).toBe('Disable-JournalRule: journal rule "Journal all" in tenant contoso.onmicrosoft.com: Enabled $true → $false');
    expect(applyChange(off.case, 'Enable-JournalRule "Journal all"').case.tenants[0]!.JournalRules[0]!.Enabled).toBe(true);
  });

  it('removes a rule', () => {
    expect(applyChange(hybridCase(), 'Remove-JournalRule "Journal all"').case.tenants[0]!.JournalRules).toEqual([]);
  });
});
