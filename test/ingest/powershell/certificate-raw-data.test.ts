import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCase } from '../../../src/ingest/load-case.js';
import { makePrivateChain, makeSelfSigned, removeTempDirs, tempDir } from '../openssl-helpers.js';

afterAll(removeTempDirs);

/** The DER of a PEM file, base64 as Export-Clixml writes a byte[] (`<BA>`). */
function derBase64(pem: string): string {
  return new X509Certificate(readFileSync(pem)).raw.toString('base64');
}

/**
 * A Get-ExchangeCertificate object exported with Export-Clixml from a session where Exchange's
 * types are loaded: the object keeps its real type name and carries only RawData (the DER
 * certificate); Exchange's own properties are in SerializationData, a .NET binary blob. This is the
 * shape of Microsoft's HealthChecker test data for Exchange 2013, 2016 and 2019.
 */
function remoteSessionExport(certs: { der: string; computer: string; serialization?: string }[]): string {
  const objects = certs.map(
    (c, i) => `  <Obj RefId="${i}">
    ${i === 0 ? '<TN RefId="0">\n      <T>Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate</T>\n      <T>System.Security.Cryptography.X509Certificates.X509Certificate2</T>\n      <T>System.Security.Cryptography.X509Certificates.X509Certificate</T>\n      <T>System.Object</T>\n    </TN>' : '<TNRef RefId="0" />'}
    <ToString>[Subject]_x000D__x000A_  CN=whatever_x000D__x000A_</ToString>
    <Props>
      <BA N="RawData">${c.der}</BA>
    </Props>
    <MS>
      <S N="PSComputerName">${c.computer}</S>
      <B N="PSShowComputerName">false</B>
      <BA N="SerializationData">${c.serialization ?? 'AAEAAAD/////AQAAAAAAAAAMAgAAAA=='}</BA>
    </MS>
  </Obj>`,
  );
  return `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">\n${objects.join('\n')}\n</Objs>\n`;
}

describe('Get-ExchangeCertificate exported with only RawData', () => {
  it('reads thumbprint, names, dates and self-signature from the certificate; Services and trust sources stay unknown', async () => {
    const dir = tempDir('cert-rawdata');
    const self = makeSelfSigned(dir, 'ex1', '/CN=ex1.contoso.com', ['ex1.contoso.com', 'autodiscover.contoso.com']);
    const chain = makePrivateChain(dir, '/CN=mail.contoso.com', ['mail.contoso.com']);
    const selfX509 = new X509Certificate(readFileSync(self.cert));
    const leafX509 = new X509Certificate(readFileSync(chain.leaf));
    const input = join(dir, 'exports');
    tempDirFile(input, 'GetExchangeCertificate.xml', remoteSessionExport([{ der: derBase64(self.cert), computer: 'ex1.contoso.com' }, { der: derBase64(chain.leaf), computer: 'ex1.contoso.com' }]));
    const loaded = await loadCase([input]);
    expect(loaded.fatal).toBeNull();
    const certs = loaded.case.certificates;
    expect(certs).toHaveLength(2);
    const [a, b] = certs;
    // The thumbprint Windows shows is the SHA-1 of the DER.
    expect(a!.Thumbprint).toBe(selfX509.fingerprint.replace(/:/g, ''));
    expect(a!.Subject).toBe('CN=ex1.contoso.com');
    // Get-ExchangeCertificate's CertificateDomains are the certificate's SAN DNS names.
    expect(a!.CertificateDomains).toEqual(['ex1.contoso.com', 'autodiscover.contoso.com']);
    expect(a!.NotAfter).toBe(new Date(selfX509.validTo).toISOString());
    expect(a!.IsSelfSigned).toBe(true);
    // CONTRACT.md (inline certificates): self-signed is never publicly trusted.
    expect(a!.trust.publiclyTrusted).toBe(false);
    expect(a!.Server).toBe('ex1.contoso.com');
    // Not in the export, and the SerializationData here holds no AllowedServices record: unknown, not
    // "no SMTP" (send-routing and the rules read null as unknown).
    expect(a!.Services).toBeNull();
    expect(a!.HasPrivateKey).toBeNull();
    expect(JSON.stringify(a!.extra)).not.toContain(derBase64(self.cert).slice(0, 40));
    expect(b!.Thumbprint).toBe(leafX509.fingerprint.replace(/:/g, ''));
    expect(b!.IsSelfSigned).toBe(false);
    expect(b!.Issuer).toBe('CN=Contoso Issuing CA, O=Contoso, C=US');
    const diagnostics = loaded.case.inputs.flatMap((r) => r.diagnostics);
    expect(diagnostics.filter((d) => /not 40 hexadecimal digits/.test(d.message))).toEqual([]);
    // One note for the file, naming what is unknown and how to supply it.
    const notes = diagnostics.filter((d) => /only RawData and SerializationData/.test(d.message));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toMatch(/^2 certificate\(s\).*Services \(where not read\).*unknown.*Select-Object Thumbprint/);
  });

  it('ConvertTo-Json writes RawData as a list of byte values: the certificate is read from it, a Thumbprint that disagrees is said', async () => {
    const dir = tempDir('cert-rawdata-json');
    const self = makeSelfSigned(dir, 'ex2', '/CN=ex2.contoso.com', ['ex2.contoso.com']);
    const x509 = new X509Certificate(readFileSync(self.cert));
    const thumbprint = x509.fingerprint.replace(/:/g, '');
    const input = join(dir, 'exports');
    const wrong = 'A'.repeat(40);
    const object = (t: string) => ({ Thumbprint: t, Subject: 'CN=ex2.contoso.com', Issuer: 'CN=ex2.contoso.com', CertificateDomains: ['ex2.contoso.com'], Services: 'IMAP, POP, IIS, SMTP', RawData: [...x509.raw], PSComputerName: 'ex2.contoso.com', Identity: `ex2.contoso.com\\${t}` });
    tempDirFile(input, 'certs.json', JSON.stringify([object(wrong)], null, 2));
    const loaded = await loadCase([input]);
    expect(loaded.case.certificates).toHaveLength(1);
    const [c] = loaded.case.certificates;
    expect(c!.Thumbprint).toBe(thumbprint);
    expect(c!.Services).toBe('IMAP, POP, IIS, SMTP');
    expect(c!.IsSelfSigned).toBe(true);
    expect(c!.NotAfter).toBe(new Date(x509.validTo).toISOString());
    const diagnostics = loaded.case.inputs.flatMap((r) => r.diagnostics);
    expect(diagnostics.filter((m) => /only RawData/.test(m.message))).toEqual([]);
    expect(diagnostics.filter((m) => m.message.includes(`Thumbprint ${wrong} is not that of the certificate in RawData (${thumbprint})`))).toHaveLength(1);
  });

  it('Services are read from SerializationData where it holds the AllowedServices record (MS-NRBF), and the note says so', async () => {
    const dir = tempDir('cert-rawdata-services');
    const self = makeSelfSigned(dir, 'ex4', '/CN=ex4.contoso.com', ['ex4.contoso.com']);
    const lps = (t: string) => Buffer.concat([Buffer.from([t.length]), Buffer.from(t)]);
    const i32 = (n: number) => Buffer.from(new Int32Array([n]).buffer);
    // MS-NRBF 2.3.2.1: the enum's ClassWithMembersAndTypes record, one Int32 member value__ = 27 (IMAP 1 + POP 2 + IIS 8 + SMTP 16).
    const record = Buffer.concat([Buffer.from([5]), i32(-6), lps('Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices'), i32(1), lps('value__'), Buffer.from([0, 8]), i32(2), i32(27)]);
    const input = join(dir, 'exports');
    tempDirFile(input, 'GetExchangeCertificate.xml', remoteSessionExport([{ der: derBase64(self.cert), computer: 'ex4.contoso.com', serialization: record.toString('base64') }]));
    const loaded = await loadCase([input]);
    expect(loaded.case.certificates[0]!.Services).toBe('IMAP, POP, IIS, SMTP');
    const note = loaded.case.inputs.flatMap((r) => r.diagnostics).find((d) => /only RawData and SerializationData/.test(d.message));
    expect(note!.message).toMatch(/Services from SerializationData for 1 of them; Status, RootCAType and HasPrivateKey are unknown/);
  });

  it('a RawData that is not a certificate leaves the object read from its properties as before', async () => {
    const dir = tempDir('cert-rawdata-bad');
    const input = join(dir, 'exports');
    tempDirFile(input, 'GetExchangeCertificate.xml', remoteSessionExport([{ der: Buffer.from('not a certificate at all, just text').toString('base64'), computer: 'ex3.contoso.com' }]));
    const loaded = await loadCase([input]);
    expect(loaded.case.certificates).toHaveLength(1);
    expect(loaded.case.certificates[0]!.Thumbprint).toBe('');
    expect(loaded.case.inputs.flatMap((r) => r.diagnostics).some((d) => /not 40 hexadecimal digits/.test(d.message))).toBe(true);
  });
});

function tempDirFile(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
}
