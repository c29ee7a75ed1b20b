import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CapturedCertificate } from '../model/capture.js';
import { certificateFromDer } from '../ingest/pcap/certificate-seen.js';
import type { ProbeCredentials } from './probe-types.js';

/**
 * The client certificate to present. A PFX's passphrase comes only from the environment
 * (MFD_PFX_PASSPHRASE), never from the command line, where other users and shell history would
 * see it; neither the key nor the passphrase is ever printed.
 */
import { PFX_PASSPHRASE_VARIABLE } from './probe-passphrase.js';

export { PFX_PASSPHRASE_VARIABLE };

export class CredentialsError extends Error {}

export function loadCredentials(cert: string | undefined, key: string | undefined, pfx: string | undefined, env: NodeJS.ProcessEnv = process.env): ProbeCredentials | null {
  if (pfx !== undefined) {
    if (cert !== undefined || key !== undefined) throw new CredentialsError('give either --pfx or --cert with --key, not both.');
    return { kind: 'pfx', pfx: readOrFail(pfx, '--pfx'), passphrase: env[PFX_PASSPHRASE_VARIABLE] };
  }
  if (cert === undefined && key === undefined) return null;
  if (cert === undefined || key === undefined) throw new CredentialsError('--cert and --key go together (PEM files: the certificate, with its chain if any, and its private key).');
  const certPem = readOrFail(cert, '--cert');
  if (!/-----BEGIN CERTIFICATE-----/.test(certPem.toString('latin1'))) throw new CredentialsError(`--cert ${cert} is not a PEM certificate (-----BEGIN CERTIFICATE-----); convert a .cer/.der with openssl x509 -inform der -in FILE -out FILE.pem.`);
  return { kind: 'pem', cert: certPem, key: readOrFail(key, '--key') };
}

function readOrFail(file: string, option: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CredentialsError(`${option} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

/** The leaf of a PEM chain, described like certificates on the wire (Thumbprint = SHA-1, upper-case hex). */
export function pemLeaf(pem: Buffer): CapturedCertificate | null {
  try {
    return certificateFromDer(new X509Certificate(pem).raw);
  } catch {
    return null;
  }
}
