import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeChainTrust } from '../../src/ingest/certificate/chain-trust.js';
import { rootStoreOf } from '../../src/ingest/certificate/public-roots.js';
import { detectCertificate, readCertificateFile, inlineCertificateTrust } from '../../src/ingest/certificate/read-certificate.js';
import { windowsDistinguishedName } from '../../src/ingest/certificate/x509-names.js';
import { fixture } from './fixture-positions.js';
import { makePrivateChain, makeSelfSigned, opensslDnsNames, opensslThumbprint, removeTempDirs, tempDir, toDer } from './openssl-helpers.js';

afterAll(removeTempDirs);

describe('readCertificateFile: a self-signed certificate made by OpenSSL', () => {
  let dir: string;
  let made: { cert: string; key: string };
  beforeAll(() => {
    dir = tempDir('selfsigned');
    made = makeSelfSigned(dir, 'smtp', '/C=US/O=Contoso/CN=smtp.contoso.com', ['smtp.contoso.com', 'Mail.Contoso.com']);
  });

  it('reads thumbprint and names as OpenSSL sees them', () => {
    const read = readCertificateFile(made.cert);
    expect(read.error).toBeNull();
    expect(read.certificates).toHaveLength(1);
    const cert = read.certificates[0]!;
    expect(cert.Thumbprint).toBe(opensslThumbprint(made.cert, dir));
    expect(cert.Thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(cert.Sha256).toMatch(/^[0-9A-F]{64}$/);
    expect(cert.CertificateDomains).toEqual(opensslDnsNames(made.cert, dir));
    expect(cert.names).toEqual(['smtp.contoso.com', 'mail.contoso.com']);
    expect(cert.commonName).toBe('smtp.contoso.com');
    expect(cert.File).toBe(made.cert);
    expect(cert.provenance).toEqual({ file: made.cert, line: 1, column: 1 });
    expect(read.report).toMatchObject({ kind: 'certificate', records: 1, skipped: 0, diagnostics: [] });
  });

  it('prints subject and issuer as Windows does, most specific first', () => {
    const cert = readCertificateFile(made.cert).certificates[0]!;
    expect(cert.Subject).toBe('CN=smtp.contoso.com, O=Contoso, C=US');
    expect(cert.Issuer).toBe('CN=smtp.contoso.com, O=Contoso, C=US');
  });

  it('recognises it as self-signed and not publicly trusted', () => {
    const cert = readCertificateFile(made.cert).certificates[0]!;
    expect(cert.IsSelfSigned).toBe(true);
    expect(cert.trust).toEqual({ publiclyTrusted: false, reason: 'self-signed' });
  });

  it('dates are ISO 8601, and time is not judged here', () => {
    const cert = readCertificateFile(made.cert).certificates[0]!;
    const x = new X509Certificate(readFileSync(made.cert));
    expect(cert.NotBefore).toBe(new Date(x.validFrom).toISOString());
    expect(cert.NotAfter).toBe(new Date(x.validTo).toISOString());
  });

  it('reads the same certificate from DER', () => {
    const der = toDer(made.cert, 'smtp.cer', dir);
    expect(detectCertificate(readFileSync(der))).toBe(true);
    const cert = readCertificateFile(der).certificates[0]!;
    expect(cert.Thumbprint).toBe(opensslThumbprint(der, dir, 'DER'));
    expect(cert.Thumbprint).toBe(opensslThumbprint(made.cert, dir));
    expect(cert.provenance).toEqual({ file: der });
  });

  it('sets HasPrivateKey when the matching key is in the same PEM file', () => {
    const combined = join(dir, 'combined.pem');
    writeFileSync(combined, readFileSync(made.key, 'utf8') + readFileSync(made.cert, 'utf8'));
    const cert = readCertificateFile(combined).certificates[0]!;
    expect(cert.HasPrivateKey).toBe(true);
    expect(readCertificateFile(made.cert).certificates[0]!.HasPrivateKey).toBeNull();
  });

  it('uses the CN as the only name when there is no subjectAltName', () => {
    const bare = makeSelfSigned(dir, 'bare', '/O=Contoso, Inc./ST=Washington/CN=Legacy.Contoso.com', []);
    const cert = readCertificateFile(bare.cert).certificates[0]!;
    expect(cert.CertificateDomains).toEqual(['Legacy.Contoso.com']);
    expect(cert.names).toEqual(['legacy.contoso.com']);
    // Windows labels the state S and quotes a value holding a comma.
    expect(cert.Subject).toBe('CN=Legacy.Contoso.com, S=Washington, O="Contoso, Inc."');
  });
});

describe('readCertificateFile: chains', () => {
  let dir: string;
  let chain: { root: string; intermediate: string; leaf: string };
  beforeAll(() => {
    dir = tempDir('chain');
    chain = makePrivateChain(dir, '/C=US/O=Contoso/CN=smtp.contoso.com', ['smtp.contoso.com']);
  });

  it('a leaf alone: its issuer is not among supplied or public certificates', () => {
    const cert = readCertificateFile(chain.leaf).certificates[0]!;
    expect(cert.IsSelfSigned).toBe(false);
    expect(cert.Issuer).toBe('CN=Contoso Issuing CA, O=Contoso, C=US');
    expect(cert.trust.publiclyTrusted).toBe(false);
    expect(cert.trust.reason).toMatch(/^issuer CN=Contoso Issuing CA, O=Contoso, C=US not found among supplied intermediates or public roots/);
  });

  it('a leaf with its private CA: the chain is followed to a root that is not public', () => {
    const pool = [chain.intermediate, chain.root].map((p) => new X509Certificate(readFileSync(p)));
    const cert = readCertificateFile(chain.leaf, pool).certificates[0]!;
    expect(cert.trust.publiclyTrusted).toBe(false);
    expect(cert.trust.reason).toMatch(/chains to CN=Contoso Test Root CA, O=Contoso, C=US, a root that is not a public root \(private CA\)/);
  });

  it('a chain to a trusted root is trusted only when every signature verifies', () => {
    const [leaf, intermediate, root] = [chain.leaf, chain.intermediate, chain.root].map((p) => new X509Certificate(readFileSync(p)));
    const roots = rootStoreOf([root!]);
    expect(judgeChainTrust(leaf!, [intermediate!], roots)).toEqual({
      publiclyTrusted: true,
      reason: 'chains to public root CN=Contoso Test Root CA, O=Contoso, C=US through supplied intermediates',
    });
    expect(judgeChainTrust(leaf!, [], roots).publiclyTrusted).toBe(false);
    // An impostor CA with the same name but another key does not verify.
    const fakeDir = tempDir('impostor');
    const fake = makePrivateChain(fakeDir, '/CN=other', ['other']);
    const impostor = new X509Certificate(readFileSync(fake.intermediate));
    const verdict = judgeChainTrust(leaf!, [impostor], roots);
    expect(verdict.publiclyTrusted).toBe(false);
  });

  it('a PEM bundle yields every certificate, CA certificates marked', () => {
    const bundle = join(dir, 'fullchain.pem');
    writeFileSync(bundle, readFileSync(chain.leaf, 'utf8') + readFileSync(chain.intermediate, 'utf8'));
    const read = readCertificateFile(bundle);
    expect(read.report.records).toBe(2);
    expect(read.certificates.map((c) => c.commonName)).toEqual(['smtp.contoso.com', 'Contoso Issuing CA']);
    expect(read.certificates.map((c) => c.extra.CertificateAuthority)).toEqual([false, true]);
    const secondBlock = readFileSync(bundle, 'utf8').split('\n').indexOf('-----BEGIN CERTIFICATE-----', 1) + 1;
    expect(read.certificates[1]!.provenance.line).toBe(secondBlock);
    // The intermediate in the same file is used to build the leaf's chain.
    expect(read.certificates[0]!.trust.reason).toMatch(/^issuer CN=Contoso Test Root CA/);
  });

  it('a public root supplied as a file is publicly trusted', () => {
    const file = join(dir, 'public-root.pem');
    writeFileSync(file, rootCertificates[0]!);
    const cert = readCertificateFile(file).certificates[0]!;
    expect(cert.IsSelfSigned).toBe(true);
    expect(cert.trust).toEqual({ publiclyTrusted: true, reason: 'is itself a public root certificate' });
  });
});

describe('readCertificateFile: files that are not certificates', () => {
  it('a text file named .cer is an error diagnostic naming the file, not an exception', () => {
    const file = fixture('certificate', 'not-a-certificate.cer');
    expect(detectCertificate(readFileSync(file))).toBe(false);
    const read = readCertificateFile(file);
    expect(read.certificates).toEqual([]);
    expect(read.error).toMatch(/not a certificate/);
    expect(read.report.diagnostics).toEqual([{ severity: 'error', location: file, message: expect.stringContaining(file) }]);
  });

  it('a missing file is an error too', () => {
    const read = readCertificateFile('/nonexistent/cert.pem');
    expect(read.error).toBe('file not found');
    expect(read.report.diagnostics[0]).toMatchObject({ severity: 'error', location: '/nonexistent/cert.pem' });
  });

  it('a PEM file with only a key says what it found', () => {
    const dir = tempDir('keyonly');
    const made = makeSelfSigned(dir, 'k', '/CN=k', []);
    const read = readCertificateFile(made.key);
    expect(read.error).toBe('holds no certificate (found PRIVATE KEY)');
  });
});

describe('Windows distinguished names and inline trust', () => {
  it('reverses Node RDN order and maps labels', () => {
    expect(windowsDistinguishedName("C=US\nO=Let's Encrypt\nCN=R11")).toBe("CN=R11, O=Let's Encrypt, C=US");
    expect(windowsDistinguishedName('C=US\nemailAddress=a@contoso.com\nOU=IT + CN=x')).toBe('OU=IT + CN=x, E=a@contoso.com, C=US');
  });

  it('judges inline certificates from IsSelfSigned, RootCAType and Status', () => {
    expect(inlineCertificateTrust({ IsSelfSigned: null, RootCAType: null, Status: null }).publiclyTrusted).toBe(true);
    expect(inlineCertificateTrust({ IsSelfSigned: false, RootCAType: 'ThirdParty', Status: 'Valid' }).publiclyTrusted).toBe(true);
    expect(inlineCertificateTrust({ IsSelfSigned: true, RootCAType: null, Status: null }).reason).toMatch(/self-signed/);
    expect(inlineCertificateTrust({ IsSelfSigned: null, RootCAType: 'Registry', Status: null }).reason).toMatch(/RootCAType is Registry/);
    expect(inlineCertificateTrust({ IsSelfSigned: null, RootCAType: null, Status: 'RevocationCheckFailure' }).reason).toMatch(/Status is RevocationCheckFailure/);
  });
});
