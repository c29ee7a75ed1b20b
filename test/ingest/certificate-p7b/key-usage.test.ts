import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCertificateFile } from '../../../src/ingest/certificate/read-certificate.js';
import { openssl, removeTempDirs, tempDir } from '../openssl-helpers.js';

afterAll(removeTempDirs);

/** OpenSSL's `-text` labels → RFC 5280 names, so the reader is checked against OpenSSL's own decoding. */
const OPENSSL_EKU: Record<string, string> = {
  'TLS Web Server Authentication': 'serverAuth',
  'TLS Web Client Authentication': 'clientAuth',
  'E-mail Protection': 'emailProtection',
  'Code Signing': 'codeSigning',
};
const OPENSSL_KU: Record<string, string> = {
  'Digital Signature': 'digitalSignature',
  'Non Repudiation': 'nonRepudiation',
  'Key Encipherment': 'keyEncipherment',
  'Data Encipherment': 'dataEncipherment',
  'Key Agreement': 'keyAgreement',
  'Certificate Sign': 'keyCertSign',
  'CRL Sign': 'cRLSign',
};

/** The value line under an extension's heading in `openssl x509 -text`, split into names. */
function opensslExtension(text: string, heading: string, names: Record<string, string>): string[] {
  const m = new RegExp(`${heading}:(?: critical)? *\\n\\s*(.+)`).exec(text);
  if (!m) return [];
  return (m[1] as string).split(',').map((s) => {
    const label = s.trim();
    return names[label] ?? label;
  });
}

function makeCertificate(dir: string, name: string, extensions: string[]): string {
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', `/CN=${name}.contoso.com`];
  for (const e of extensions) args.push('-addext', e);
  openssl(args, dir);
  return join(dir, `${name}.pem`);
}

describe('Extended Key Usage and Key Usage', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('usage');
  });

  it('match `openssl x509 -text` for an SMTP certificate (serverAuth, clientAuth)', () => {
    const file = makeCertificate(dir, 'smtp', ['extendedKeyUsage=serverAuth,clientAuth', 'keyUsage=critical,digitalSignature,keyEncipherment']);
    const text = openssl(['x509', '-in', file, '-noout', '-text'], dir);
    const cert = readCertificateFile(file).certificates[0]!;
    expect(cert.EnhancedKeyUsageList!.map((e) => e.Name)).toEqual(opensslExtension(text, 'X509v3 Extended Key Usage', OPENSSL_EKU));
    expect(cert.KeyUsage).toEqual(opensslExtension(text, 'X509v3 Key Usage', OPENSSL_KU));
    expect(cert.EnhancedKeyUsageList).toEqual([
      { Value: '1.3.6.1.5.5.7.3.1', FriendlyName: 'Server Authentication', Name: 'serverAuth' },
      { Value: '1.3.6.1.5.5.7.3.2', FriendlyName: 'Client Authentication', Name: 'clientAuth' },
    ]);
    expect(cert.KeyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
  });

  it('keep an OID without a known name, and read other bits', () => {
    const file = makeCertificate(dir, 'other', ['extendedKeyUsage=emailProtection,1.3.6.1.4.1.99999.1', 'keyUsage=nonRepudiation,keyAgreement']);
    const text = openssl(['x509', '-in', file, '-noout', '-text'], dir);
    const cert = readCertificateFile(file).certificates[0]!;
    expect(cert.EnhancedKeyUsageList).toEqual([
      { Value: '1.3.6.1.5.5.7.3.4', FriendlyName: 'Secure Email', Name: 'emailProtection' },
      { Value: '1.3.6.1.4.1.99999.1', FriendlyName: null, Name: null },
    ]);
    expect(cert.KeyUsage).toEqual(opensslExtension(text, 'X509v3 Key Usage', OPENSSL_KU));
  });

  it('are empty when the extensions are absent (no restriction), like Windows shows it', () => {
    const file = makeCertificate(dir, 'plain', []);
    const text = openssl(['x509', '-in', file, '-noout', '-text'], dir);
    expect(text).not.toContain('Key Usage');
    const cert = readCertificateFile(file).certificates[0]!;
    expect(cert.EnhancedKeyUsageList).toEqual([]);
    expect(cert.KeyUsage).toEqual([]);
  });
});
