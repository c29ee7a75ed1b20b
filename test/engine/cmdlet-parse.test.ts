import { describe, expect, it } from 'vitest';
import { parseCmdlet, type CmdletValue } from '../../src/engine/cmdlet-parse.js';

/** The value bound to one parameter, reduced to plain data (what PowerShell would pass). */
function plain(v: CmdletValue | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return v.value;
    case 'null':
      return null;
    case 'switch':
      return 'switch';
    case 'array':
      return v.items.map(plain);
    case 'hashtable':
      return Object.fromEntries(v.entries.map((e) => [e.key, plain(e.value)]));
  }
}

function arg(text: string, name: string): unknown {
  return plain(parseCmdlet(text).parameters[name]?.value);
}

describe('parseCmdlet: the cmdlet name', () => {
  it('recognises the cmdlet in any letter case and gives its own spelling', () => {
    const p = parseCmdlet('set-inboundconnector X -Enabled $false');
    expect(p.name).toBe('Set-InboundConnector');
    expect(p.verb).toBe('set');
    expect(p.noun).toBe('inboundconnector');
    expect(p.known).toBe(true);
  });

  it('keeps an unknown cmdlet as written and marks it unknown', () => {
    const p = parseCmdlet('Get-Mailbox alice');
    expect(p.name).toBe('Get-Mailbox');
    expect(p.known).toBe(false);
    expect(plain(p.parameters.Identity?.value)).toBe('alice');
  });

  it('ignores leading and trailing blank lines, a trailing semicolon and a comment', () => {
    const p = parseCmdlet('\n  Set-InboundConnector X -Enabled $true ; # done\n');
    expect(plain(p.parameters.Enabled?.value)).toBe(true);
  });
});

describe('parseCmdlet: values', () => {
  it('reads a bare word', () => {
    expect(arg('Set-SendConnector X -Fqdn smtp.contoso.com', 'Fqdn')).toBe('smtp.contoso.com');
  });

  it("reads a single-quoted string, where '' is one quote and nothing else is special", () => {
    expect(arg("Set-InboundConnector -Identity 'O''Brien `n $x' -Enabled $true", 'Identity')).toBe("O'Brien `n $x");
  });

  it('reads a double-quoted string with `" and "" as quotes and backtick escapes', () => {
    expect(arg('Set-InboundConnector -Identity "a `"b`" ""c"" d`te" -Enabled $true', 'Identity')).toBe('a "b" "c" d\te');
  });

  it('keeps a $ that starts no variable name literally inside double quotes', () => {
    expect(arg('Set-SendConnector X -Comment "costs 5 $ each"', 'Comment')).toBe('costs 5 $ each');
  });

  it('reads a `u{…} escape', () => {
    expect(arg('Set-SendConnector X -Comment "caf`u{e9}"', 'Comment')).toBe('café');
  });

  it('joins quoted parts into a bare word, as argument mode does', () => {
    expect(arg('Set-SendConnector X -Comment abc"d e"f', 'Comment')).toBe('abcd ef');
  });

  it('reads $true, $false and $null in any letter case', () => {
    expect(arg('Set-InboundConnector X -Enabled $TRUE', 'Enabled')).toBe(true);
    expect(arg('Set-InboundConnector X -Enabled $False', 'Enabled')).toBe(false);
    expect(arg('Set-InboundConnector X -TlsSenderCertificateName $NULL', 'TlsSenderCertificateName')).toBe(null);
  });

  it('reads numbers, with KB/MB multipliers and hexadecimal, keeping the written text', () => {
    const p = parseCmdlet('Set-SendConnector X -Port 0x19 -MaxMessageSize 35MB -SmtpMaxMessagesPerConnection 20 -Comment 010');
    expect(plain(p.parameters.Port?.value)).toBe(25);
    expect(plain(p.parameters.MaxMessageSize?.value)).toBe(35 * 1024 * 1024);
    expect(p.parameters.MaxMessageSize?.value.text).toBe('35MB');
    expect(plain(p.parameters.SmtpMaxMessagesPerConnection?.value)).toBe(20);
    expect(p.parameters.Comment?.value.text).toBe('010');
  });

  it('reads an IP address as text, not as a number', () => {
    expect(arg('Set-InboundConnector X -SenderIPAddresses 203.0.113.10', 'SenderIPAddresses')).toBe('203.0.113.10');
  });

  it('reads a comma list of bare and quoted words, with spaces around the commas', () => {
    expect(arg('Set-InboundConnector X -SenderDomains a.com,b.com , "c d.com",\'e.com\'', 'SenderDomains')).toEqual([
      'a.com',
      'b.com',
      'c d.com',
      'e.com',
    ]);
  });

  it('continues a comma list on the next line', () => {
    expect(arg('Set-InboundConnector X -SenderDomains a.com,\n  b.com', 'SenderDomains')).toEqual(['a.com', 'b.com']);
  });

  it('reads @(…) with commas, line ends or semicolons between items', () => {
    expect(arg('Set-SendConnector X -AddressSpaces @("smtp:*;1", "contoso.com;2")', 'AddressSpaces')).toEqual(['smtp:*;1', 'contoso.com;2']);
    expect(arg('Set-SendConnector X -SmartHosts @(\n  "a.contoso.com"\n  "b.contoso.com"\n)', 'SmartHosts')).toEqual(['a.contoso.com', 'b.contoso.com']);
    expect(arg('Set-SendConnector X -SmartHosts @("a"; "b")', 'SmartHosts')).toEqual(['a', 'b']);
    expect(arg('Set-SendConnector X -SmartHosts @()', 'SmartHosts')).toEqual([]);
    expect(arg('Set-SendConnector X -SmartHosts @("only")', 'SmartHosts')).toEqual(['only']);
  });

  it('reads a parenthesised list', () => {
    expect(arg('Set-SendConnector X -SmartHosts ("a", "b")', 'SmartHosts')).toEqual(['a', 'b']);
    expect(arg('Set-SendConnector X -Comment ("one")', 'Comment')).toBe('one');
  });

  it('reads a hashtable of Add and Remove lists', () => {
    expect(arg('Set-InboundConnector X -SenderIPAddresses @{Add="203.0.113.10","203.0.113.11"; Remove="198.51.100.1"}', 'SenderIPAddresses')).toEqual({
      Add: ['203.0.113.10', '203.0.113.11'],
      Remove: '198.51.100.1',
    });
  });

  it('reads hashtable entries on separate lines and quoted keys', () => {
    expect(arg("Set-SendConnector X -SmartHosts @{\n  'Add' = 'a.contoso.com'\n  Remove = @('b.contoso.com')\n}", 'SmartHosts')).toEqual({
      Add: 'a.contoso.com',
      Remove: ['b.contoso.com'],
    });
  });

  it('accepts the typographic quotes and dashes that copy-paste brings, as PowerShell does', () => {
    const p = parseCmdlet('Set-InboundConnector “Inbound from on-prem” –Enabled $false —RequireTls:$true -Comment ‘it’’s’');
    expect(plain(p.parameters.Identity?.value)).toBe('Inbound from on-prem');
    expect(plain(p.parameters.Enabled?.value)).toBe(false);
    expect(plain(p.parameters.RequireTls?.value)).toBe(true);
    expect(plain(p.parameters.Comment?.value)).toBe("it's");
  });

  it('continues a command after a backtick at the end of a line', () => {
    const p = parseCmdlet('Set-InboundConnector "X" `\n  -Enabled $false `\r\n  -RequireTls $true');
    expect(plain(p.parameters.Enabled?.value)).toBe(false);
    expect(plain(p.parameters.RequireTls?.value)).toBe(true);
  });

  it('skips <# block #> comments', () => {
    expect(arg('Set-InboundConnector X <# turn it off #> -Enabled $false', 'Enabled')).toBe(false);
  });
});

describe('parseCmdlet: parameters', () => {
  it('binds the first positional value to -Identity on Set-, Remove-, Enable- and Disable-', () => {
    expect(arg('Set-InboundConnector "Inbound from on-prem" -Enabled $false', 'Identity')).toBe('Inbound from on-prem');
    expect(arg('Remove-SendConnector Internet', 'Identity')).toBe('Internet');
    expect(arg('Enable-JournalRule "Journal all"', 'Identity')).toBe('Journal all');
    expect(arg('Disable-JournalRule -Identity "Journal all"', 'Identity')).toBe('Journal all');
  });

  it('binds a positional value after the named parameters too', () => {
    expect(arg('Set-InboundConnector -Enabled $false "Inbound from on-prem"', 'Identity')).toBe('Inbound from on-prem');
  });

  it('binds the first positional value to -Name on New-', () => {
    const p = parseCmdlet('New-InboundConnector "Partner" -SenderDomains fabrikam.com');
    expect(plain(p.parameters.Name?.value)).toBe('Partner');
    expect(p.parameters.Name?.written).toBeNull();
    expect(p.parameters.Identity).toBeUndefined();
  });

  it('records the written form and where the parameter starts', () => {
    const p = parseCmdlet('Set-InboundConnector X -enab $false');
    expect(p.parameters.Enabled?.written).toBe('-enab');
    expect(p.parameters.Enabled?.offset).toBe(23);
  });

  it('takes any letter case and an unambiguous prefix, as PowerShell binds names', () => {
    expect(arg('Set-InboundConnector X -ENABLED $false', 'Enabled')).toBe(false);
    expect(arg('Set-InboundConnector X -TlsSender smtp.contoso.com', 'TlsSenderCertificateName')).toBe('smtp.contoso.com');
    expect(arg('Set-InboundConnector X -RestrictDomainsToI $true', 'RestrictDomainsToIPAddresses')).toBe(true);
  });

  it('takes switches without a value and with the colon syntax', () => {
    const p = parseCmdlet('Remove-SendConnector Internet -Confirm:$false -WhatIf');
    expect(plain(p.parameters.Confirm?.value)).toBe(false);
    expect(plain(p.parameters.WhatIf?.value)).toBe('switch');
  });

  it('takes the colon syntax for any parameter, with or without a space after the colon', () => {
    expect(arg('Set-InboundConnector X -Enabled:$false', 'Enabled')).toBe(false);
    expect(arg('Set-InboundConnector X -Comment: "two words"', 'Comment')).toBe('two words');
  });

  it('knows the aliases of -Confirm and the common parameters', () => {
    const p = parseCmdlet('Remove-InboundConnector X -cf:$false -ea Stop -vb');
    expect(plain(p.parameters.Confirm?.value)).toBe(false);
    expect(plain(p.parameters.ErrorAction?.value)).toBe('Stop');
    expect(plain(p.parameters.Verbose?.value)).toBe('switch');
  });

  it('reads a negative number as a value, not as a parameter', () => {
    expect(arg('Set-ReceiveConnector X -MaxHopCount -1', 'MaxHopCount')).toBe(-1);
  });

  it('treats a parameter of an unknown cmdlet with nothing after it as a switch', () => {
    const p = parseCmdlet('Invoke-Something X -Force -Level 3 extra');
    expect(plain(p.parameters.Force?.value)).toBe('switch');
    expect(plain(p.parameters.Level?.value)).toBe(3);
    // Only Set-, Enable-, Disable-, Remove-, Get- (Identity) and New- (Name) bind by position.
    expect(p.positional.map(plain)).toEqual(['X', 'extra']);
  });
});
