import { describe, expect, it } from 'vitest';
import { applyChange, applyChanges } from '../../src/engine/cmdlet-change.js';
import { emptyCase } from '../../src/model/case.js';
import { applyKeepingInput, changedPaths, changeError, hybridCase, outbound, twoTenantCase } from './cmdlet-test-case.js';

const INBOUND = 'tenants[0].InboundConnectors[0]';
const OUTBOUND = 'tenants[0].OutboundConnectors[0]';

describe('Set-InboundConnector', () => {
  it('changes only Enabled, on a copy, keeping the provenance', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -Enabled $false');
    expect(changedPaths(c, r.case)).toEqual([`${INBOUND}.Enabled`]);
    expect(r.case.tenants[0]!.InboundConnectors[0]!.provenance).toEqual({ file: 'test-case.yaml', line: 1 });
    expect(r.description).toBe(
      'Set-InboundConnector: inbound connector "Inbound from on-prem" in tenant contoso.onmicrosoft.com: Enabled $true → $false',
    );
    expect(r.subject).toEqual({ type: 'InboundConnector', name: 'Inbound from on-prem', tenant: 'contoso.onmicrosoft.com' });
  });

  it('finds the connector by -Identity in any letter case, qualified by tenant name or TenantId', () => {
    const c = hybridCase();
    for (const id of ['inbound FROM on-prem', 'contoso.onmicrosoft.com\\Inbound from on-prem', '0b5f0000-0000-4000-8000-000000000001\\Inbound from on-prem']) {
      const r = applyKeepingInput(c, `Set-InboundConnector -Identity "${id}" -RequireTls $false`);
      expect(changedPaths(c, r.case)).toEqual([`${INBOUND}.RequireTls`]);
    }
  });

  it('picks the tenant named in a qualified identity when two tenants have the name', () => {
    const c = twoTenantCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "fabrikam.onmicrosoft.com\\Inbound from on-prem" -Enabled $false');
    expect(changedPaths(c, r.case)).toEqual(['tenants[1].InboundConnectors[0].Enabled']);
  });

  it('replaces SenderIPAddresses with a list, normalising IPv4 CIDR prefixes', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses 203.0.113.10, "198.51.100.0/024", 192.0.2.1-192.0.2.9');
    expect(r.case.tenants[0]!.InboundConnectors[0]!.SenderIPAddresses).toEqual(['203.0.113.10', '198.51.100.0/24', '192.0.2.1-192.0.2.9']);
    expect(changedPaths(c, r.case).every((p) => p.startsWith(`${INBOUND}.SenderIPAddresses`))).toBe(true);
  });

  it('adds and removes SenderIPAddresses with @{Add=…; Remove=…}', () => {
    const c = hybridCase();
    c.tenants[0]!.InboundConnectors[0]!.SenderIPAddresses = ['203.0.113.10', '203.0.113.11'];
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses @{Add="203.0.113.12","203.0.113.10"; Remove="203.0.113.11"}');
    expect(r.case.tenants[0]!.InboundConnectors[0]!.SenderIPAddresses).toEqual(['203.0.113.10', '203.0.113.12']);
    expect(r.description).toContain('SenderIPAddresses 203.0.113.10, 203.0.113.11 → 203.0.113.10, 203.0.113.12 (203.0.113.10 was already listed)');
  });

  it('notes an item a Remove did not find', () => {
    const r = applyChange(hybridCase(), 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses @{Remove="203.0.113.99"}');
    expect(r.description).toContain('(203.0.113.99 was not listed)');
  });

  it('empties a list with $null', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -SenderDomains $null');
    expect(r.case.tenants[0]!.InboundConnectors[0]!.SenderDomains).toEqual([]);
  });

  it('refuses addresses Exchange Online refuses: not an IP, IPv6, wider than /24', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses 203.0.113.300').message).toMatch(
      /^"203\.0\.113\.300" is not a valid value for -SenderIPAddresses: "203\.0\.113\.300" is not an IP address at column 64\. Write an address/,
    );
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses 10.1').message).toMatch(/"10\.1" is not an IP address/);
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses 2001:db8::1').message).toMatch(/Exchange Online inbound connectors accept IPv4 addresses only/);
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses 203.0.112.0/23').message).toMatch(/accepts CIDR ranges from \/24 to \/32/);
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -SenderIPAddresses 203.0.113.0/33').message).toMatch(/\/33 is not a prefix length/);
  });

  it('takes ConnectorType in any letter case and refuses other values', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Partner fabrikam" -ConnectorType onpremises -TlsSenderCertificateName mail.fabrikam.com');
    expect(r.case.tenants[0]!.InboundConnectors[1]!.ConnectorType).toBe('OnPremises');
    expect(changeError(c, 'Set-InboundConnector "Partner fabrikam" -ConnectorType Hybrid').message).toBe(
      '"Hybrid" is not a valid value for -ConnectorType at column 56. Valid values: Partner, OnPremises',
    );
  });

  it('takes a certificate domain with a leading wildcard and refuses an embedded one', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -TlsSenderCertificateName *.Contoso.com');
    expect(r.case.tenants[0]!.InboundConnectors[0]!.TlsSenderCertificateName).toBe('*.contoso.com');
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -TlsSenderCertificateName mail.*.contoso.com').message).toMatch(
      /a wildcard may only start the name/,
    );
  });

  it('refuses an OnPremises connector left with neither certificate name nor sender IP', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -TlsSenderCertificateName $null').message).toMatch(
      /^An OnPremises inbound connector needs a certificate name or sender IP addresses .* at column 45\. Give -TlsSenderCertificateName or -SenderIPAddresses/,
    );
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -TlsSenderCertificateName $null -SenderIPAddresses 203.0.113.10');
    expect(changedPaths(c, r.case).sort()).toEqual([`${INBOUND}.SenderIPAddresses[0]`, `${INBOUND}.TlsSenderCertificateName`]);
  });

  it('unwraps SenderDomains written as address spaces', () => {
    const r = applyChange(hybridCase(), 'Set-InboundConnector "Partner fabrikam" -SenderDomains "smtp:*;1","SMTP:Fabrikam.com;1"');
    expect(r.case.tenants[0]!.InboundConnectors[1]!.SenderDomains).toEqual(['*', 'fabrikam.com']);
  });

  it('refuses Boolean values that are not Booleans', () => {
    expect(changeError(hybridCase(), 'Set-InboundConnector "Inbound from on-prem" -Enabled false').message).toBe(
      '-Enabled takes a Boolean, not "false" at column 54. Boolean parameters accept only $true, $false, 1 or 0 (the words true and false without $ are text)',
    );
    const r = applyChange(hybridCase(), 'Set-InboundConnector "Inbound from on-prem" -Enabled 0');
    expect(r.case.tenants[0]!.InboundConnectors[0]!.Enabled).toBe(false);
  });

  it('keeps real parameters the model does not act on under extra', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -Comment "Created by HCW" -EFSkipIPs 203.0.113.0/24 -ConnectorSource hybridwizard');
    expect(r.case.tenants[0]!.InboundConnectors[0]!.extra).toEqual({
      Comment: 'Created by HCW',
      EFSkipIPs: ['203.0.113.0/24'],
      ConnectorSource: 'HybridWizard',
    });
    expect(changedPaths(c, r.case).sort()).toEqual([`${INBOUND}.extra.Comment`, `${INBOUND}.extra.ConnectorSource`, `${INBOUND}.extra.EFSkipIPs`]);
    expect(r.description).toContain('Comment unset → "Created by HCW" (kept; no effect on mail flow in the model)');
  });

  it('refuses TreatMessagesAsInternal on a hybrid connector, as the reference says', () => {
    expect(changeError(hybridCase(), 'Set-InboundConnector "Inbound from on-prem" -TreatMessagesAsInternal $true').message).toMatch(
      /^TreatMessagesAsInternal cannot be \$true when CloudServicesMailEnabled is \$true/,
    );
  });

  it('ignores session parameters', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -Enabled:$false -Confirm:$false -WhatIf -ErrorAction Stop -Verbose');
    expect(changedPaths(c, r.case)).toEqual([`${INBOUND}.Enabled`]);
  });

  it('renames with -Name, and refuses a name already taken in the tenant', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem" -Name "Inbound from Contoso"');
    expect(changedPaths(c, r.case)).toEqual([`${INBOUND}.Name`]);
    expect(r.subject.name).toBe('Inbound from Contoso');
    expect(changeError(c, 'Set-InboundConnector "Inbound from on-prem" -Name "partner FABRIKAM"').message).toMatch(
      /^An inbound connector named "partner FABRIKAM" already exists in tenant contoso\.onmicrosoft\.com at column 51/,
    );
  });

  it('says nothing changed when only the identity is given', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-InboundConnector "Inbound from on-prem"');
    expect(changedPaths(c, r.case)).toEqual([]);
    expect(r.description).toMatch(/no settings given, nothing changed$/);
  });
});

describe('New-InboundConnector and Remove-InboundConnector', () => {
  it('creates a Partner connector with every property filled with Exchange defaults', () => {
    const c = hybridCase();
    const text = 'New-InboundConnector -Name "Partner Woodgrove" -SenderDomains woodgrove.com -SenderIPAddresses 198.51.100.7';
    const r = applyKeepingInput(c, text);
    const created = r.case.tenants[0]!.InboundConnectors[2];
    expect(created).toEqual({
      Name: 'Partner Woodgrove',
      ConnectorType: 'Partner',
      Enabled: true,
      TlsSenderCertificateName: null,
      SenderIPAddresses: ['198.51.100.7'],
      SenderDomains: ['woodgrove.com'],
      RequireTls: true,
      RestrictDomainsToCertificate: false,
      RestrictDomainsToIPAddresses: false,
      CloudServicesMailEnabled: false,
      extra: {},
      provenance: { file: `whatif: ${text}` },
    });
    expect(changedPaths(c, r.case)).toEqual(['tenants[0].InboundConnectors[2]']);
    expect(r.description).toMatch(/^New-InboundConnector: created inbound connector "Partner Woodgrove" in tenant contoso\.onmicrosoft\.com with ConnectorType Partner \(default\), Enabled \$true \(default\), SenderDomains woodgrove\.com, SenderIPAddresses 198\.51\.100\.7,/);
  });

  it('does not default RequireTls to $true for an OnPremises connector (it applies to Partner ones)', () => {
    const r = applyChange(hybridCase(), 'New-InboundConnector Relay -ConnectorType OnPremises -SenderDomains * -SenderIPAddresses 203.0.113.44');
    expect(r.case.tenants[0]!.InboundConnectors[2]).toMatchObject({ ConnectorType: 'OnPremises', RequireTls: false });
  });

  it('needs the tenant in -Name when the case has several', () => {
    const c = twoTenantCase();
    expect(changeError(c, 'New-InboundConnector X -SenderDomains *').message).toBe(
      'The case has 2 tenants, so -Name must say which one gets the new inbound connector at column 22. Write -Name "contoso.onmicrosoft.com\\X" (tenants: "contoso.onmicrosoft.com" and "fabrikam.onmicrosoft.com")',
    );
    const r = applyKeepingInput(c, 'New-InboundConnector -Name "fabrikam.onmicrosoft.com\\X" -SenderDomains *');
    expect(r.case.tenants[1]!.InboundConnectors.map((x) => x.Name)).toEqual(['Inbound from on-prem', 'X']);
    expect(r.subject).toEqual({ type: 'InboundConnector', name: 'X', tenant: 'fabrikam.onmicrosoft.com' });
  });

  it('refuses a name that exists, and a case without tenants', () => {
    expect(changeError(hybridCase(), 'New-InboundConnector "inbound from on-prem" -SenderDomains *').message).toMatch(
      /^An inbound connector named "Inbound from on-prem" already exists in tenant contoso\.onmicrosoft\.com at column 22\. Change it with Set-InboundConnector instead/,
    );
    expect(changeError(emptyCase(), 'New-InboundConnector X -SenderDomains *').message).toBe(
      'New-InboundConnector: the case has no tenant to create the inbound connector in',
    );
  });

  it('removes exactly the named connector', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Remove-InboundConnector "Partner fabrikam" -Confirm:$false');
    expect(r.case.tenants[0]!.InboundConnectors.map((x) => x.Name)).toEqual(['Inbound from on-prem']);
    expect(changedPaths(c, r.case)).toEqual(['tenants[0].InboundConnectors[1]']);
    expect(r.description).toBe('Remove-InboundConnector: removed inbound connector "Partner fabrikam" in tenant contoso.onmicrosoft.com');
  });
});

describe('Outbound connectors', () => {
  it('switches a connector from smart hosts to MX routing', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-OutboundConnector "Outbound to on-prem" -UseMXRecord $true -SmartHosts $null');
    expect(changedPaths(c, r.case).sort()).toEqual([`${OUTBOUND}.SmartHosts[0]`, `${OUTBOUND}.UseMXRecord`]);
  });

  it('refuses smart hosts while UseMXRecord stays $true, and MX-less routing without smart hosts', () => {
    const c = hybridCase();
    c.tenants[0]!.OutboundConnectors.push(outbound('To partner', { ConnectorType: 'Partner', UseMXRecord: true, SmartHosts: [], RecipientDomains: ['fabrikam.com'] }));
    expect(changeError(c, 'Set-OutboundConnector "To partner" -SmartHosts mx.fabrikam.com').message).toMatch(
      /^"To partner" would have smart hosts while UseMXRecord is \$true at column 36\. Add -UseMXRecord \$false/,
    );
    expect(changeError(c, 'Set-OutboundConnector "To partner" -UseMXRecord $false').message).toMatch(
      /would route by smart host \(UseMXRecord \$false\) but have no smart hosts at column 36/,
    );
    const r = applyKeepingInput(c, 'Set-OutboundConnector "To partner" -UseMxRecord $false -SmartHosts mx.fabrikam.com, 198.51.100.0/24');
    expect(r.case.tenants[0]!.OutboundConnectors[1]).toMatchObject({ UseMXRecord: false, SmartHosts: ['mx.fabrikam.com', '198.51.100.0/24'] });
  });

  it('refuses RouteAllMessagesViaOnPremises on a Partner connector', () => {
    const c = hybridCase();
    expect(changeError(c, 'Set-OutboundConnector "Outbound to on-prem" -ConnectorType Partner -RouteAllMessagesViaOnPremises $true').message).toMatch(
      /^RouteAllMessagesViaOnPremises \$true requires ConnectorType OnPremises/,
    );
    const r = applyKeepingInput(c, 'Set-OutboundConnector "Outbound to on-prem" -RouteAllMessagesViaOnPremises $true');
    expect(changedPaths(c, r.case)).toEqual([`${OUTBOUND}.RouteAllMessagesViaOnPremises`]);
  });

  it('edits RecipientDomains, TlsSettings and TlsDomain', () => {
    const c = hybridCase();
    const r = applyKeepingInput(c, 'Set-OutboundConnector "Outbound to on-prem" -RecipientDomains @{Add="*.contoso.com"} -TlsSettings certificatevalidation -TlsDomain $null');
    expect(r.case.tenants[0]!.OutboundConnectors[0]).toMatchObject({
      RecipientDomains: ['contoso.com', '*.contoso.com'],
      TlsSettings: 'CertificateValidation',
      TlsDomain: null,
    });
    expect(changeError(c, 'Set-OutboundConnector "Outbound to on-prem" -TlsSettings Opportunistic').message).toMatch(
      /Valid values: EncryptionOnly, CertificateValidation, DomainValidation$/,
    );
  });

  it('creates a connector, inferring UseMXRecord $false from smart hosts', () => {
    const text = 'New-OutboundConnector "To gateway" -RecipientDomains * -SmartHosts gw.contoso.com';
    const r = applyChange(hybridCase(), text);
    expect(r.case.tenants[0]!.OutboundConnectors[1]).toEqual({
      Name: 'To gateway',
      ConnectorType: 'Partner',
      Enabled: true,
      RecipientDomains: ['*'],
      SmartHosts: ['gw.contoso.com'],
      UseMXRecord: false,
      AllAcceptedDomains: false,
      RouteAllMessagesViaOnPremises: false,
      IsTransportRuleScoped: false,
      TlsSettings: null,
      TlsDomain: null,
      CloudServicesMailEnabled: false,
      extra: {},
      provenance: { file: `whatif: ${text}` },
    });
  });

  it('removes a connector', () => {
    const r = applyChange(hybridCase(), 'Remove-OutboundConnector -Identity "Outbound to on-prem"');
    expect(r.case.tenants[0]!.OutboundConnectors).toEqual([]);
  });
});

describe('applyChanges', () => {
  it('applies changes in order, each on the result of the one before', () => {
    const c = hybridCase();
    const { case: after, applied } = applyChanges(c, [
      'New-InboundConnector Temp -SenderDomains *',
      'Set-InboundConnector Temp -Enabled $false',
      'Remove-InboundConnector Temp',
    ]);
    expect(applied).toHaveLength(3);
    expect(after).toEqual(c);
    expect(after).not.toBe(c);
  });
});

describe('list edits on values as exports write them', () => {
  it('removes a sender domain an export wrote as an address space', () => {
    const c = hybridCase();
    c.tenants[0]!.InboundConnectors[1]!.SenderDomains = ['smtp:fabrikam.com;1', 'smtp:*.fabrikam.com;1'];
    const r = applyChange(c, 'Set-InboundConnector "Partner fabrikam" -SenderDomains @{Remove="Fabrikam.com"}');
    expect(r.case.tenants[0]!.InboundConnectors[1]!.SenderDomains).toEqual(['smtp:*.fabrikam.com;1']);
  });

  it('removes a smart host an export wrote in brackets', () => {
    const c = hybridCase();
    c.tenants[0]!.OutboundConnectors[0]!.SmartHosts = ['[203.0.113.44]', 'smtp.contoso.com'];
    const r = applyChange(c, 'Set-OutboundConnector "Outbound to on-prem" -SmartHosts @{Remove="203.0.113.44"}');
    expect(r.case.tenants[0]!.OutboundConnectors[0]!.SmartHosts).toEqual(['smtp.contoso.com']);
  });
});
