import { describe, expect, it } from 'vitest';
import { CmdletError } from '../../src/engine/cmdlet-error.js';
import { parseCmdlet } from '../../src/engine/cmdlet-parse.js';

function parseError(text: string): CmdletError {
  try {
    parseCmdlet(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CmdletError);
    return e as CmdletError;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('parseCmdlet: errors quote the text and give its column', () => {
  it('an unterminated double-quoted string', () => {
    const e = parseError('Set-InboundConnector "Inbound from on-prem -Enabled $false');
    expect(e.message).toMatch(/^Unterminated string '"Inbound from on-prem -Enabled \$false' at column 22\. Add the closing "/);
    expect(e.column).toBe(22);
    expect(e.line).toBe(1);
  });

  it('an unterminated single-quoted string', () => {
    const e = parseError("Set-InboundConnector 'it''s -Enabled $false");
    expect(e.message).toMatch(/^Unterminated string "'it''s -Enabled \$false" at column 22\. Add the closing '/);
  });

  it('a string closed by an escaped quote only', () => {
    expect(parseError('Set-InboundConnector "X`" -Enabled $false').message).toMatch(/^Unterminated string/);
  });

  it('a missing value', () => {
    const e = parseError('Set-InboundConnector X -Enabled');
    expect(e.message).toBe('Missing value for the parameter -Enabled at column 24. Write -Enabled $true or -Enabled $false');
    expect(parseError('Set-InboundConnector X -Enabled -RequireTls $true').message).toMatch(/^Missing value for the parameter -Enabled at column 24/);
    expect(parseError('Set-InboundConnector X -Enabled:').message).toMatch(/^Missing value after -Enabled: at column 24/);
  });

  it('a missing value after a comma', () => {
    expect(parseError('Set-InboundConnector X -SenderDomains a.com,').message).toMatch(/^Missing value after the comma "a\.com," at column 44/);
  });

  it('something glued to a parameter name', () => {
    expect(parseError('Set-InboundConnector X -Enabled=$false').message).toBe(
      'Unexpected "=$false" after the parameter -Enabled at column 32. Write -Enabled value, or -Enabled:value',
    );
  });

  it('a value that no parameter takes, explaining the -Confirm $false mistake', () => {
    expect(parseError('Remove-SendConnector Internet -Confirm $false').message).toBe(
      'No parameter of Remove-SendConnector takes the positional value "$false" at column 40. -Confirm is a switch and takes no separate value: write -Confirm:$false',
    );
    expect(parseError('Set-InboundConnector Inbound from on-prem').message).toMatch(/^No parameter of Set-InboundConnector takes the positional value "from" at column 30\. Put a value that holds spaces in quotes/);
  });

  it('a parameter the cmdlet does not have, with the closest name', () => {
    const e = parseError('Set-InboundConnector "X" -Enabeld $false');
    expect(e.message).toBe('Set-InboundConnector has no parameter -Enabeld at column 26. Did you mean -Enabled?');
    expect(parseError('Set-InboundConnector X -CertificateName a.com').message).toMatch(/Did you mean -TlsSenderCertificateName\?$/);
    expect(parseError('Set-SendConnector X -SmartHots a.com').message).toMatch(/has no parameter -SmartHots .*Did you mean -SmartHosts\?/);
  });

  it('a parameter of another cmdlet, listing the real ones when nothing is close', () => {
    const e = parseError('Set-InboundConnector X -DNSRoutingEnabled $false');
    expect(e.message).toMatch(/^Set-InboundConnector has no parameter -DNSRoutingEnabled at column 24\. Its parameters are -Identity, -Name, -AssociatedAcceptedDomains/);
  });

  it('a parameter a cmdlet lacks on purpose, with what to use instead', () => {
    expect(parseError('Set-JournalRule J -Enabled $false').message).toBe(
      'Set-JournalRule has no parameter -Enabled at column 19. Journal rules are switched on and off with Enable-JournalRule or Disable-JournalRule',
    );
  });

  it('an ambiguous prefix', () => {
    expect(parseError('Set-InboundConnector X -Restrict $true').message).toBe(
      'The parameter name -Restrict is ambiguous for Set-InboundConnector at column 24. It could be -RestrictDomainsToCertificate and -RestrictDomainsToIPAddresses: write more of the name',
    );
  });

  it('a parameter given twice, by name or by position and name', () => {
    expect(parseError('Set-InboundConnector X -Enabled $true -Enabled $false').message).toMatch(/^The parameter -Enabled is given twice at column 39/);
    expect(parseError('Set-InboundConnector X -Identity Y').message).toMatch(/^The parameter -Identity is given twice at column 24\. "X" was already bound to it by position/);
  });

  it('a missing mandatory parameter', () => {
    expect(parseError('Set-InboundConnector -Enabled $false').message).toBe(
      'Set-InboundConnector needs -Identity (the name of the object to change): the parameter is mandatory',
    );
    expect(parseError('New-InboundConnector Partner').message).toBe('New-InboundConnector needs -SenderDomains: the parameter is mandatory');
  });

  it('variables and subexpressions, which a what-if cannot evaluate', () => {
    expect(parseError('Set-SendConnector X -TlsCertificateName $cert').message).toMatch(/^The variable "\$cert" at column 41\. A what-if change has no PowerShell session/);
    expect(parseError('Set-SendConnector X -TlsCertificateName "<I>$($c.Issuer)<S>x"').message).toMatch(/^The subexpression "\$\(\$c\.Issuer\)" at column 45/);
    expect(parseError('Set-SendConnector X -Comment "hi $name"').message).toMatch(/^The variable "\$name" at column 34/);
    expect(parseError('$c = Get-SendConnector X').message).toMatch(/^Expected a cmdlet name, found "\$c = Get-SendConnector X" at column 1\. Variables and assignments/);
  });

  it('a pipeline or a second command', () => {
    expect(parseError('Get-InboundConnector | Set-InboundConnector -Enabled $false').message).toMatch(/^Pipelines are not supported at column 22/);
    expect(parseError('Set-InboundConnector X -Enabled $false; Set-InboundConnector Y -Enabled $false').message).toMatch(
      /^A second command "Set-InboundConnector Y -Enabled \$false" at column 41\. Give one cmdlet per change/,
    );
    expect(parseError('Set-InboundConnector X -Enabled $false\nSet-InboundConnector Y -Enabled $false').message).toMatch(/at line 2, column 1/);
  });

  it('an unclosed @(, @{ or (', () => {
    expect(parseError('Set-SendConnector X -SmartHosts @("a", "b"').message).toMatch(/^'@\("a", "b"' is never closed at column 33\. Add the closing \)/);
    expect(parseError('Set-SendConnector X -SmartHosts @{Add="a"').message).toMatch(/^'@\{Add="a"' is never closed at column 33\. Add the closing \}/);
    expect(parseError('Set-SendConnector X -SmartHosts ("a"').message).toMatch(/is never closed at column 33/);
  });

  it('a malformed hashtable', () => {
    expect(parseError('Set-SendConnector X -SmartHosts @{Add "a"}').message).toMatch(/^Expected "=" after the key "Add", found '"a"}' at column 39/);
    expect(parseError('Set-SendConnector X -SmartHosts @{Add=}').message).toMatch(/^Missing value for the key "Add" at column 39/);
    expect(parseError('Set-SendConnector X -SmartHosts @{Add="a" "b"}').message).toMatch(/^Unexpected '"b"}' in the hashtable at column 43\. Separate entries with ";"/);
  });

  it('items in @() not separated by commas', () => {
    expect(parseError('Set-SendConnector X -SmartHosts @("a" "b")').message).toMatch(/^Unexpected '"b"\)' at column 39\. Separate values with commas/);
  });

  it('an unquoted < or >, which PowerShell reads as redirection', () => {
    expect(parseError('Set-SendConnector X -TlsCertificateName <I>CN=R11<S>CN=smtp').message).toMatch(/^Unquoted "<" in "<I>CN=R11<S>CN=smtp" at column 41\. PowerShell reads < and > as redirection/);
  });

  it('a sub-command inside parentheses', () => {
    expect(parseError('New-SendConnector X -AddressSpaces * -AuthenticationCredential (Get-Credential)').message).toMatch(/^The command "Get-Credential" inside parentheses at column 65/);
  });

  it('a here-string, splatting, a script block', () => {
    expect(parseError('Set-SendConnector X -Comment @"\nx\n"@').message).toMatch(/^Here-strings/);
    expect(parseError('Set-SendConnector @params').message).toMatch(/^Splatting "@params" is not supported at column 19/);
    expect(parseError('Set-SendConnector X -Comment {x}').message).toMatch(/^Unexpected "\{" at column 30/);
  });

  it('text that is not a command', () => {
    expect(parseError('   ').message).toMatch(/^The change is empty/);
    expect(parseError('SetInboundConnector X').message).toMatch(/^Expected a cmdlet name, found "SetInboundConnector X" at column 1/);
  });
});
