import { describe, expect, it } from 'vitest';
import { RedactionMap } from '../../src/redact/redaction-map.js';
import { collectText, redactText, reverseText } from '../../src/redact/redact-text.js';

/** A map built from one text (as `redact` builds it from a case's files), then applied to it. */
function mapOf(text: string, names: Record<string, 'org' | 'srv' | 'conn'> = {}, keep: string[] = []): RedactionMap {
  const map = new RedactionMap();
  for (const k of keep) map.addKeep(k);
  for (const [name, category] of Object.entries(names)) collectText(name, map, category);
  collectText(text, map);
  map.allocate();
  return map;
}

describe('redactText: token-level pseudonyms (issue 15 item 3)', () => {
  it('domains keep their structure under customer-N.example; sub-labels map word by word', () => {
    const text = 'MX: mx01.contoso.com, zrh7.contoso.com, contoso.com, Fabrikam.co.uk, ex01.contoso.local';
    const map = mapOf(text);
    const out = redactText(text, map);
    expect(out).toMatch(/mx01\.customer-(\d)\.example, host\d\.customer-\1\.example, customer-\1\.example/);
    expect(out).toMatch(/customer-\d\.example, host\d\.customer-\d\.local$/);
    expect(out).not.toMatch(/contoso|fabrikam/i);
  });

  it("Microsoft's names stay; onmicrosoft.com keeps its suffix; an EXO MX label follows its domain (M7 naming)", () => {
    const text = 'contoso.onmicrosoft.com contoso.mail.onmicrosoft.com contoso-com.mail.protection.outlook.com contoso.com outlook.office365.com login.microsoftonline.com 40.92.0.1';
    const out = redactText(text, mapOf(text));
    expect(out).toBe('tenant1.onmicrosoft.com tenant1.mail.onmicrosoft.com customer-1-example.mail.protection.outlook.com customer-1.example outlook.office365.com login.microsoftonline.com 40.92.0.1');
  });

  it('IPv4 keeps its class in documentation or private ranges; CIDR containment survives', () => {
    const text = 'SenderIPAddresses: [81.173.212.0/24]; node 81.173.212.44; NAT 10.20.30.40; lab 192.168.5.5; v6 2a02:8070::1/64';
    const map = mapOf(text);
    const out = redactText(text, map);
    const [, net, node, priv, lab, v6] = /\[(\S+)\/24\]; node (\S+); NAT (\S+); lab (\S+); v6 (\S+)\/64/.exec(out)!;
    expect(net).toMatch(/^(192\.0\.2|198\.1[89]\.\d+|203\.0\.113)\.0$/);
    expect(node!.split('.').slice(0, 3)).toEqual(net!.split('.').slice(0, 3));
    expect(node!.endsWith('.44')).toBe(true); // host bits kept inside the moved block
    expect(priv).toMatch(/^10\./);
    expect(priv).not.toBe('10.20.30.40');
    expect(lab).toMatch(/^192\.168\./);
    expect(v6).toMatch(/^2001:db8:/);
  });

  it('GUIDs, thumbprints (also written in byte pairs) and local parts map consistently everywhere', () => {
    const text = 'TenantId 7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10 thumb 5A1C0E7B9D3F2A4C6E8B0D1F3A5C7E9B1D3F5A7C pairs 5a 1c 0e 7b 9d 3f 2a 4c 6e 8b 0d 1f 3a 5c 7e 9b 1d 3f 5a 7c ann@contoso.com ANN@contoso.com';
    const out = redactText(text, mapOf(text));
    const [, guid, thumb, pairs, a1, a2] = /TenantId (\S+) thumb (\S+) pairs (.+) (\S+@\S+) (\S+@\S+)$/.exec(out)!;
    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(guid).not.toBe('7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10');
    expect(thumb).toMatch(/^[0-9A-F]{40}$/);
    expect(pairs!.replace(/ /g, '').toUpperCase()).toBe(thumb);
    expect(a1!.toLowerCase()).toBe(a2!.toLowerCase());
    expect(a1).toMatch(/^user-\d+@customer-1\.example$/);
  });

  it('object names: non-generic words map everywhere (EX01 in a name, a label, a log), generic words stay', () => {
    const text = 'Default Frontend EX01; EX01\\Default Frontend EX01; ex01.contoso.local; Internet via gateway';
    const out = redactText(text, mapOf(text, { EX01: 'srv', 'Internet via gateway': 'conn' }));
    expect(out).toBe('Default Frontend SRV1; SRV1\\Default Frontend SRV1; srv1.customer-1.local; Internet via gateway');
  });

  it('SMTP address literals and endpoints: [IPv6:…], ip:port, [v6]:port', () => {
    const text = 'EHLO [IPv6:2a02:8070:1::25] from 81.173.212.44:25 to [2a02:8070:1::26]:587';
    const out = redactText(text, mapOf(text));
    expect(out).toMatch(/^EHLO \[IPv6:2001:db8:[0-9a-f:]+\] from (192\.0\.2|198\.1[89]\.\d+|203\.0\.113)\.\d+:25 to \[2001:db8:[0-9a-f:]+\]:587$/);
  });

  it("a top-level name the case's own domains use is a domain even when not built in", async () => {
    const { collectCaseNames } = await import('../../src/redact/case-names.js');
    const { emptyCase } = await import('../../src/model/case.js');
    const c = emptyCase();
    c.organizations.push({ Name: 'Org', AcceptedDomains: [{ DomainName: 'woodgrove.bank', DomainType: 'Authoritative', provenance: {} as never }], Servers: [], SendConnectors: [], ReceiveConnectors: [], RemoteDomains: [], extra: {}, provenance: {} as never });
    const map = new RedactionMap();
    collectCaseNames(c, map);
    collectText('mail.woodgrove.bank', map);
    map.allocate();
    expect(redactText('mail.woodgrove.bank', map)).toBe('mail.customer-1.example');
  });

  it('--keep leaves a name as it is', () => {
    const text = 'partner.fabrikam.com contoso.com';
    const out = redactText(text, mapOf(text, {}, ['fabrikam.com']));
    expect(out).toBe('partner.fabrikam.com customer-1.example');
  });

  it('versions that read like addresses, public CA issuers and file names stay', () => {
    const text = '#Version: 15.0.0.0\nIssuer: CN=R11, O=Let\'s Encrypt, C=US\ntopology.yaml README.md';
    expect(redactText(text, mapOf(text))).toBe(text);
  });

  it('base64 MIME parts are decoded, redacted and encoded again', () => {
    const inner = Buffer.from('Reporting-MTA: dns; mail.contoso.com\r\nFinal-Recipient: rfc822; ann@contoso.com\r\n').toString('base64');
    const text = `Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n${inner}\r\n--b--\r\n`;
    const out = redactText(text, mapOf(text));
    const body = /\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--b--/.exec(out)![1]!;
    expect(Buffer.from(body, 'base64').toString()).toMatch(/^Reporting-MTA: dns; mail\.customer-1\.example\r\nFinal-Recipient: rfc822; user-1@customer-1\.example\r\n$/);
  });

  it('reverse turns a redacted answer back into the real names', () => {
    const text = 'EX01 at 81.173.212.44 sends for ann@contoso.com via contoso-com.mail.protection.outlook.com (tenant contoso.onmicrosoft.com, id 7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10, thumbprint 5A1C0E7B9D3F2A4C6E8B0D1F3A5C7E9B1D3F5A7C) from 81.173.212.0/24';
    const map = mapOf(text, { EX01: 'srv' });
    const redacted = redactText(text, map);
    expect(redacted).not.toMatch(/EX01|81\.173|ann@|contoso|7c1f3a52|5A1C0E7B/);
    const answer = `The fix: on ${redacted.split(' ')[0]} run Set-SendConnector. ${redacted}`;
    expect(reverseText(answer, RedactionMap.parse(JSON.stringify(map.toJSON())))).toBe(`The fix: on EX01 run Set-SendConnector. ${text}`);
  });

  it('a second run with the same map reuses its pseudonyms and adds new ones that collide with none', () => {
    const first = mapOf('contoso.com 81.173.212.44');
    const again = RedactionMap.parse(JSON.stringify(first.toJSON()));
    collectText('contoso.com fabrikam.com 81.173.212.44 81.173.212.45', again);
    again.allocate();
    expect(redactText('contoso.com 81.173.212.44', again)).toBe(redactText('contoso.com 81.173.212.44', first));
    const out = redactText('fabrikam.com 81.173.212.45', again).split(' ');
    expect(out[0]).toBe('customer-2.example');
    expect(out[1]).not.toBe(redactText('81.173.212.44', first));
  });

  it('a pseudonym never equals an original already in the case (documentation addresses, customer-N names)', () => {
    const text = '192.0.2.1 198.18.0.1 8.8.4.4 customer-1.example contoso.com';
    const out = redactText(text, mapOf(text)).split(' ');
    expect(out.slice(0, 2)).toEqual(['192.0.2.1', '198.18.0.1']); // already documentation: kept
    expect(out[2]).not.toBe('192.0.2.1');
    expect(out[4]).toBe('customer-2.example');
  });
});

describe('display names (issue 15 item 3: no original name in the redacted output)', () => {
  it("a header's address phrases and an export's DisplayName become name pseudonyms, consistently", () => {
    const headers = 'From: "Ann Lee" <ann.lee@contoso.com>\r\nTo: Bob Kowalski <bob@fabrikam.com>, postmaster@fabrikam.com\r\nSubject: Lee report\r\n\r\nHello';
    const json = '[{"DisplayName": "Ann Lee", "PrimarySmtpAddress": "ann.lee@contoso.com"}]';
    const clixml = '<Obj><MS><S N="DisplayName">Bob Kowalski</S></MS></Obj>';
    const map = new RedactionMap();
    for (const t of [headers, json, clixml]) collectText(t, map);
    map.allocate();
    const out = [headers, json, clixml].map((t) => redactText(t, map)).join('\n');
    for (const original of ['Ann', 'Lee', 'Bob', 'Kowalski']) expect(out).not.toContain(original);
    // The same person's words get the same pseudonyms in every file.
    const pseudonym = /From: "(\S+) (\S+)"/.exec(out)!;
    expect(out).toContain(`"DisplayName": "${pseudonym[1]} ${pseudonym[2]}"`);
    expect(reverseText(out, map)).toContain('Ann Lee');
  });

  it('a folded address field (RFC 5322 §2.2.3) has its continuation lines read as part of it', () => {
    const headers = 'To: "Ann Lee" <ann@contoso.com>,\r\n\t"Carla Nowak" <carla@contoso.com>,\r\n Quentin Blake <team@contoso.com>\r\nSubject: Nowak plan\r\n X-Other: Quinn <q@contoso.com>\r\n';
    const map = new RedactionMap();
    collectText(headers, map);
    map.allocate();
    const out = redactText(headers, map);
    for (const original of ['Ann', 'Lee', 'Carla', 'Nowak', 'Quentin', 'Blake']) expect(out).not.toContain(original);
    expect(reverseText(out, map)).toBe(headers);
  });

  it('DisplayName columns of Export-Csv (comma and -UseCulture semicolon) and Format-List lines are names', () => {
    const csv = '#TYPE Deserialized.Microsoft.Exchange.Data.Directory.Management.Mailbox\r\n"Name","DisplayName","PrimarySmtpAddress"\r\n"u1","Ann Lee","ann@contoso.com"\r\n"u2","Nowak, Carla","carla@contoso.com"\r\n';
    const culture = '\uFEFF"Name";"SimpleDisplayName";"PrimarySmtpAddress"\r\n"u3";"Jörg Müller";"joerg@contoso.de"\r\n';
    const list = 'Name               : u4\r\nDisplayName        : Priya Raman\r\nPrimarySmtpAddress : priya@contoso.com\r\n';
    const map = new RedactionMap();
    for (const t of [csv, culture, list]) collectText(t, map);
    map.allocate();
    const out = [csv, culture, list].map((t) => redactText(t, map)).join('\n');
    for (const original of ['Ann', 'Lee', 'Carla', 'Nowak', 'Jörg', 'Müller', 'Priya', 'Raman']) expect(out).not.toContain(original);
    // Column names and the other columns' structure are kept.
    expect(out).toContain('"Name","DisplayName","PrimarySmtpAddress"');
    expect(out).toContain('"Name";"SimpleDisplayName";"PrimarySmtpAddress"');
  });

  it('words the tool prints (rule ids) are never taken for a name', () => {
    const text = 'From: Routing Loop <loop@contoso.com>\r\n';
    const map = new RedactionMap();
    collectText(text, map);
    map.allocate();
    expect(redactText('routing-loop', map)).toBe('routing-loop');
  });
});
