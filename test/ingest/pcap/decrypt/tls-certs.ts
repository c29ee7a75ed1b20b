import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from '../../openssl-helpers.js';

export interface TestIdentity {
  cert: string;
  key: string;
  /** DER bytes as OpenSSL wrote the certificate, for comparison with what crossed the wire. */
  der: Buffer;
}

/** An RSA server certificate (ECDHE-RSA suites need one) and an EC client certificate, made by the openssl CLI. */
export function makeIdentities(dir: string): { server: TestIdentity; client: TestIdentity } {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.pem', '-days', '30', '-subj', '/CN=mail.contoso.com', '-addext', 'subjectAltName=DNS:mail.contoso.com'], dir);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'client.key', '-out', 'client.pem', '-days', '30', '-subj', '/CN=smtp.fabrikam.com'], dir);
  openssl(['x509', '-in', 'server.pem', '-outform', 'DER', '-out', 'server.der'], dir);
  openssl(['x509', '-in', 'client.pem', '-outform', 'DER', '-out', 'client.der'], dir);
  const load = (name: string): TestIdentity => {
    const identity = {
      cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
      key: readFileSync(join(dir, `${name}.key`), 'utf8'),
      der: readFileSync(join(dir, `${name}.der`)),
    };
    // The DER file is OpenSSL's own encoding of the certificate node:tls will send.
    if (!new X509Certificate(identity.cert).raw.equals(identity.der)) throw new Error('PEM and DER disagree');
    return identity;
  };
  return { server: load('server'), client: load('client') };
}
