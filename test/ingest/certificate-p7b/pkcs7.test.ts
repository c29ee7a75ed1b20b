import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCertificate, readCertificateFile } from '../../../src/ingest/certificate/read-certificate.js';
import { loadCase } from '../../../src/ingest/load-case.js';
import { makePrivateChain, openssl, opensslThumbprint, removeTempDirs, tempDir } from '../openssl-helpers.js';

afterAll(removeTempDirs);

/** Certificates in a bundle, in order, as `openssl pkcs7 -print_certs` sees them: SHA-1 thumbprints. */
function opensslBundleThumbprints(p7b: string, dir: string, inform: 'PEM' | 'DER'): string[] {
  const pem = openssl(['pkcs7', '-inform', inform, '-in', p7b, '-print_certs'], dir);
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => m[0]);
  return blocks.map((b, i) => {
    const file = join(dir, `printed-${inform}-${i}.pem`);
    writeFileSync(file, `${b}\n`);
    return opensslThumbprint(file, dir);
  });
}

describe('PKCS#7 (.p7b) bundles made by openssl crl2pkcs7', () => {
  let dir: string;
  let chain: { root: string; intermediate: string; leaf: string };
  let pemP7b: string;
  let derP7b: string;
  beforeAll(() => {
    dir = tempDir('p7b');
    chain = makePrivateChain(dir, '/C=US/O=Contoso/CN=smtp.contoso.com', ['smtp.contoso.com', 'mail.contoso.com']);
    writeFileSync(join(dir, 'chain.pem'), [chain.leaf, chain.intermediate, chain.root].map((f) => readFileSync(f, 'utf8')).join(''));
    openssl(['crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-out', 'chain.p7b'], dir);
    openssl(['crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-outform', 'DER', '-out', 'chain-der.p7b'], dir);
    pemP7b = join(dir, 'chain.p7b');
    derP7b = join(dir, 'chain-der.p7b');
  });

  it('are detected by content, PEM and DER', () => {
    expect(readFileSync(pemP7b, 'utf8')).toContain('-----BEGIN PKCS7-----');
    expect(detectCertificate(readFileSync(pemP7b))).toBe(true);
    expect(detectCertificate(readFileSync(derP7b))).toBe(true);
  });

  it('yield every certificate of the PEM bundle, as OpenSSL lists them', () => {
    const read = readCertificateFile(pemP7b);
    expect(read.error).toBeNull();
    expect(read.report.diagnostics).toEqual([]);
    expect(read.certificates.map((c) => c.Thumbprint)).toEqual(opensslBundleThumbprints(pemP7b, dir, 'PEM'));
    expect(read.certificates.map((c) => c.Thumbprint)).toEqual([chain.leaf, chain.intermediate, chain.root].map((f) => opensslThumbprint(f, dir)));
    expect(read.certificates[0]!.provenance).toEqual({ file: pemP7b, line: 1, column: 1 });
  });

  it('yield the same certificates from DER', () => {
    const pem = readCertificateFile(pemP7b).certificates.map((c) => c.Sha256);
    const der = readCertificateFile(derP7b);
    expect(der.error).toBeNull();
    expect(der.certificates.map((c) => c.Sha256)).toEqual(pem);
    expect(der.certificates.map((c) => c.Thumbprint)).toEqual(opensslBundleThumbprints(derP7b, dir, 'DER'));
    expect(der.certificates[0]!.provenance).toEqual({ file: derP7b });
  });

  it('build the chain from the bundle itself: the leaf reaches the private root', () => {
    const leaf = readCertificateFile(derP7b).certificates[0]!;
    expect(leaf.CertificateDomains).toEqual(['smtp.contoso.com', 'mail.contoso.com']);
    expect(leaf.IsSelfSigned).toBe(false);
    expect(leaf.trust.publiclyTrusted).toBe(false);
    expect(leaf.trust.reason).toBe('chains to CN=Contoso Test Root CA, O=Contoso, C=US, a root that is not a public root (private CA)');
  });

  it('join a case folder like any certificate file', async () => {
    const caseDir = tempDir('p7b-case');
    writeFileSync(join(caseDir, 'exported-chain.bin'), readFileSync(derP7b));
    const loaded = await loadCase([caseDir]);
    expect(loaded.fatal).toBeNull();
    expect(loaded.case.certificates).toHaveLength(3);
    expect(loaded.case.inputs[0]).toMatchObject({ kind: 'certificate', records: 3, skipped: 0, diagnostics: [] });
  });

  it('a .p7b that is not PKCS#7 is a diagnostic, never an exception', async () => {
    const caseDir = tempDir('p7b-bad');
    writeFileSync(join(caseDir, 'broken.p7b'), '-----BEGIN PKCS7-----\nMIIBAgMEBQ==\n-----END PKCS7-----\n');
    const read = readCertificateFile(join(caseDir, 'broken.p7b'));
    expect(read.certificates).toEqual([]);
    expect(read.error).not.toBeNull();
    expect(read.report.diagnostics[0]).toMatchObject({ severity: 'error', location: `${join(caseDir, 'broken.p7b')}:1` });
    expect(read.report.diagnostics[0]!.message).toMatch(/PKCS#7/);
    writeFileSync(join(caseDir, 'random.p7b'), Buffer.from([0x30, 0x82, 0x01, 0x00, 1, 2, 3]));
    const loaded = await loadCase([caseDir]);
    const random = loaded.case.inputs.find((r) => r.file.endsWith('random.p7b'))!;
    expect(random.kind).toBe('certificate');
    expect(random.diagnostics[0]!.severity).toBe('error');
  });
});
