import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test certificates made by the real OpenSSL command line, so the reader is checked against OpenSSL's own view. */

export function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const made: string[] = [];

/** A fresh temporary folder, removed by `removeTempDirs` (call it in afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mfd-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed certificate (and its key) like `New-ExchangeCertificate` makes. */
export function makeSelfSigned(dir: string, name: string, subject: string, sans: string[]): { cert: string; key: string } {
  const cert = `${name}.pem`;
  const key = `${name}.key`;
  const args = ['req', '-x509', ...EC_KEY, '-keyout', key, '-out', cert, '-days', '30', '-subj', subject];
  if (sans.length > 0) args.push('-addext', `subjectAltName=${sans.map((s) => `DNS:${s}`).join(',')}`);
  openssl(args, dir);
  return { cert: join(dir, cert), key: join(dir, key) };
}

/** A private root, an issuing (intermediate) CA, and a leaf for `sans`: a chain no public root vouches for. */
export function makePrivateChain(dir: string, leafSubject: string, sans: string[]): { root: string; intermediate: string; leaf: string } {
  openssl(['req', '-x509', ...EC_KEY, '-keyout', 'root.key', '-out', 'root.pem', '-days', '30', '-subj', '/C=US/O=Contoso/CN=Contoso Test Root CA'], dir);
  writeFileSync(
    join(dir, 'ca.ext'),
    ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'].join('\n'),
  );
  openssl(['req', '-new', ...EC_KEY, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/C=US/O=Contoso/CN=Contoso Issuing CA'], dir);
  openssl(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'intermediate.pem', '-days', '30', '-extfile', 'ca.ext'], dir);
  writeFileSync(
    join(dir, 'leaf.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature',
      'extendedKeyUsage=serverAuth,clientAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      `subjectAltName=${sans.map((s) => `DNS:${s}`).join(',')}`,
    ].join('\n'),
  );
  openssl(['req', '-new', ...EC_KEY, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', leafSubject], dir);
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'intermediate.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '30', '-extfile', 'leaf.ext'], dir);
  return { root: join(dir, 'root.pem'), intermediate: join(dir, 'intermediate.pem'), leaf: join(dir, 'leaf.pem') };
}

/** `SHA1 Fingerprint=AB:CD:…` → `ABCD…`, as Exchange prints a thumbprint. */
export function opensslThumbprint(certPath: string, dir: string, inform: 'PEM' | 'DER' = 'PEM'): string {
  const out = openssl(['x509', '-inform', inform, '-in', certPath, '-noout', '-fingerprint', '-sha1'], dir);
  return (out.split('=')[1] ?? '').trim().replace(/:/g, '').toUpperCase();
}

/** DNS names of the subjectAltName extension as OpenSSL prints them. */
export function opensslDnsNames(certPath: string, dir: string): string[] {
  const out = openssl(['x509', '-in', certPath, '-noout', '-ext', 'subjectAltName'], dir);
  return [...out.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1] as string);
}

export function toDer(certPath: string, outPath: string, dir: string): string {
  openssl(['x509', '-in', certPath, '-outform', 'DER', '-out', outPath], dir);
  return join(dir, outPath);
}
