import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from './processes.js';

/**
 * The lab's certificates, made by the openssl command line: a private root, an issuing CA, the
 * server's leaf (sent with the issuing CA as its chain, leaf first, as Exchange and most MTAs do),
 * an RSA client certificate and an ECDSA one, both issued by the root Postfix trusts for clients,
 * and a self-signed one it does not trust.
 */
export interface LabPki {
  dir: string;
  rootCa: string;
  serverChain: string;
  serverKey: string;
  clientRsa: { cert: string; key: string };
  clientEc: { cert: string; key: string };
  /** Issued by nobody Postfix trusts: Postfix logs the connection as Untrusted. */
  clientSelfSigned: { cert: string; key: string };
}

const RSA = ['-newkey', 'rsa:2048', '-nodes'];
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(dir: string, args: string[]): Promise<void> {
  await runOk('openssl', args, { cwd: dir });
}

async function issue(dir: string, name: string, keyArgs: string[], subject: string, extensions: string[], ca: string): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), extensions.join('\n') + '\n');
  await openssl(dir, ['req', '-new', ...keyArgs, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '30', '-extfile', `${name}.ext`]);
}

export async function makeLabPki(dir: string): Promise<LabPki> {
  await openssl(dir, ['req', '-x509', ...RSA, '-keyout', 'root.key', '-out', 'root.crt', '-days', '30', '-subj', '/C=US/O=Contoso Test PKI/CN=Contoso Test Root CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await issue(dir, 'issuing', RSA, '/C=US/O=Contoso Test PKI/CN=Contoso Issuing CA 01',
    ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'], 'root');
  await issue(dir, 'server', RSA, '/C=US/O=Contoso/CN=mx.contoso.com',
    ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:mx.contoso.com,DNS:mail.contoso.com,IP:127.0.0.1', 'authorityKeyIdentifier=keyid'], 'issuing');
  writeFileSync(join(dir, 'server-chain.crt'), readFileSync(join(dir, 'server.crt'), 'utf8') + readFileSync(join(dir, 'issuing.crt'), 'utf8'));
  const clientExt = (name: string) => ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth,serverAuth', `subjectAltName=DNS:${name}`, 'authorityKeyIdentifier=keyid'];
  await issue(dir, 'client-rsa', RSA, '/C=US/O=Fabrikam/CN=smtp.fabrikam.com', clientExt('smtp.fabrikam.com'), 'root');
  await issue(dir, 'client-ec', EC, '/C=US/O=Fabrikam/CN=relay.fabrikam.com', clientExt('relay.fabrikam.com'), 'root');
  await openssl(dir, ['req', '-x509', ...EC, '-keyout', 'client-self.key', '-out', 'client-self.crt', '-days', '30', '-subj', '/C=US/O=Fabrikam/CN=gw.fabrikam.com',
    '-addext', 'subjectAltName=DNS:gw.fabrikam.com', '-addext', 'extendedKeyUsage=clientAuth,serverAuth']);
  return {
    dir,
    rootCa: join(dir, 'root.crt'),
    serverChain: join(dir, 'server-chain.crt'),
    serverKey: join(dir, 'server.key'),
    clientRsa: { cert: join(dir, 'client-rsa.crt'), key: join(dir, 'client-rsa.key') },
    clientEc: { cert: join(dir, 'client-ec.crt'), key: join(dir, 'client-ec.key') },
    clientSelfSigned: { cert: join(dir, 'client-self.crt'), key: join(dir, 'client-self.key') },
  };
}

/** `openssl x509 -fingerprint`: upper-case hex without colons (the contract's form). */
export async function opensslFingerprint(certFile: string, digest: 'sha1' | 'sha256'): Promise<string> {
  const r = await runOk('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', `-${digest}`]);
  return (r.stdout.split('=')[1] ?? '').trim().replace(/:/g, '').toUpperCase();
}
