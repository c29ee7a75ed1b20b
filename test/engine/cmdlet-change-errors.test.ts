import { describe, expect, it } from 'vitest';
import { applyChange, SUPPORTED_CMDLETS } from '../../src/engine/cmdlet-change.js';
import { parseCmdlet } from '../../src/engine/cmdlet-parse.js';
import { emptyCase } from '../../src/model/case.js';
import { changeError, hybridCase, inbound, tenant } from './cmdlet-test-case.js';

describe('applyChange: cmdlets', () => {
  it('takes a command already parsed', () => {
    const r = applyChange(hybridCase(), parseCmdlet('Set-InboundConnector "Inbound from on-prem" -Enabled $false'));
    expect(r.case.tenants[0]!.InboundConnectors[0]!.Enabled).toBe(false);
  });

  it('refuses an unknown cmdlet, listing the supported ones', () => {
    const e = changeError(hybridCase(), 'Set-TransportConfig -SmtpClientAuthenticationDisabled $true');
    expect(e.message).toBe(`Set-TransportConfig is not a cmdlet the what-if can apply. Supported: ${SUPPORTED_CMDLETS.slice(0, -1).join(', ')} and ${SUPPORTED_CMDLETS.at(-1)}`);
    expect(SUPPORTED_CMDLETS).toContain('Set-InboundConnector');
    expect(SUPPORTED_CMDLETS).toContain('Set-AcceptedDomain');
  });

  it('suggests the cmdlet meant by a misspelling', () => {
    expect(changeError(hybridCase(), 'Set-InboundConector X -Enabled $false').message).toMatch(/^Set-InboundConector is not a cmdlet the what-if can apply\. Did you mean Set-InboundConnector\?/);
  });

  it('reads Enable-/Disable- for connectors (no such Exchange cmdlets) as Set- -Enabled, and says so', () => {
    const r = applyChange(hybridCase(), 'Disable-InboundConnector "Inbound from on-prem"');
    const c = r.case.tenants.flatMap((t) => t.InboundConnectors).find((x) => x.Name === 'Inbound from on-prem')!;
    expect(c.Enabled).toBe(false);
    expect(r.description).toMatch(/^Disable-InboundConnector is not an Exchange cmdlet; applied as Set-InboundConnector -Identity "Inbound from on-prem" -Enabled \$false\./);
    expect(changeError(hybridCase(), 'Enable-SendConnector Internet -Fqdn mail.contoso.com').message).toMatch(/takes only -Identity/);
  });

  it('explains that Get- cmdlets change nothing', () => {
    expect(changeError(hybridCase(), 'Get-InboundConnector').message).toMatch(/^Get-InboundConnector only reads settings, so there is nothing to simulate/);
  });

  it('passes parse errors through', () => {
    expect(changeError(hybridCase(), 'Set-InboundConnector "X -Enabled $false').message).toMatch(/^Unterminated string/);
  });

  it('binds -Enable to -Enabled, as PowerShell binds an unambiguous prefix', () => {
    const r = applyChange(hybridCase(), 'Set-InboundConnector "Inbound from on-prem" -Enable $false');
    expect(r.case.tenants[0]!.InboundConnectors[0]!.Enabled).toBe(false);
  });
});

describe('applyChange: identities', () => {
  it('names the connectors there are when the identity finds none, suggesting the closest', () => {
    expect(changeError(hybridCase(), 'Set-InboundConnector "Inbound from onprem" -Enabled $false').message).toBe(
      'No inbound connector named "Inbound from onprem" at column 22. Did you mean "Inbound from on-prem"? Available: "Inbound from on-prem" and "Partner fabrikam"',
    );
  });

  it('qualifies the available names when the case has several tenants', () => {
    expect(changeError(hybridCase(), 'Set-InboundConnector Nope -Enabled $false').message).toBe(
      'No inbound connector named "Nope" at column 22. Available: "Inbound from on-prem" and "Partner fabrikam"',
    );
  });

  it('lists at most ten names', () => {
    const c = emptyCase();
    c.tenants.push(tenant('t.onmicrosoft.com', { InboundConnectors: Array.from({ length: 13 }, (_, i) => inbound(`C${i}`)) }));
    expect(changeError(c, 'Set-InboundConnector Nope -Enabled $false').message).toMatch(/Available: "C0", "C1", .*"C9" and 3 more$/);
  });

  it('says when there is nothing of the kind at all', () => {
    expect(changeError(emptyCase(), 'Set-SendConnector Internet -Enabled $false').message).toBe(
      'No send connector named "Internet" at column 19. There is no send connector in the case',
    );
  });

  it('refuses a qualifier that is no tenant of the case', () => {
    expect(changeError(hybridCase(), 'Set-InboundConnector "fabrikam.onmicrosoft.com\\Inbound from on-prem" -Enabled $false').message).toBe(
      '"fabrikam.onmicrosoft.com" in "fabrikam.onmicrosoft.com\\Inbound from on-prem" at column 22 is not a tenant of the case. Known: "contoso.onmicrosoft.com"',
    );
  });

  it('looks only in the qualified tenant', () => {
    expect(changeError(hybridCase(), 'Set-SendConnector "Contoso\\Nope" -Enabled $false').message).toMatch(/^No send connector named "Nope" at column 19 in "Contoso"\. Available:/);
  });
});

describe('applyChange: values', () => {
  it('refuses @{Add=…} for a parameter that is not multi-valued', () => {
    expect(changeError(hybridCase(), 'Set-SendConnector Internet -Fqdn @{Add="x"}').message).toMatch(/^-Fqdn takes one value, not "@\{Add="x"\}"|^-Fqdn takes one value, not '@\{Add="x"\}' at column 34/);
  });

  it('refuses hashtable keys other than Add and Remove, and a key given twice', () => {
    expect(changeError(hybridCase(), 'Set-SendConnector Internet -SmartHosts @{Replace="x"}').message).toMatch(
      /^Unknown key "Replace" in the hashtable for -SmartHosts at column 42\. Only Add and Remove are understood/,
    );
    expect(changeError(hybridCase(), 'Set-SendConnector Internet -SmartHosts @{Add="x"; add="y"}').message).toMatch(/^The key add appears twice/);
  });

  it('refuses a list where one value is expected', () => {
    expect(changeError(hybridCase(), 'Set-InboundConnector "Partner fabrikam" -ConnectorType Partner,OnPremises').message).toMatch(/^-ConnectorType takes one of Partner, OnPremises, not a list/);
    expect(changeError(hybridCase(), 'Set-SendConnector Internet -Fqdn a.contoso.com,b.contoso.com').message).toMatch(/^-Fqdn takes one value, not the list "a\.contoso\.com,b\.contoso\.com"/);
  });

  it('refuses $null for a name', () => {
    expect(changeError(hybridCase(), 'Set-SendConnector Internet -Name $null').message).toBe('-Name cannot be $null at column 34. Give it a value');
  });
});
