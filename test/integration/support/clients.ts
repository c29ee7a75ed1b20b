import { spawn } from 'node:child_process';
import type { LabPki } from './pki.js';
import { run, type Finished } from './processes.js';

/** One SMTP session the lab plays against Postfix; its EHLO name says which case it is. */
export interface LabSession {
  label: string;
  ehlo: string;
  driver: 'swaks' | 'openssl';
  /** Null for plain SMTP (no STARTTLS). */
  tls: 'TLSv1.2' | 'TLSv1.3' | null;
  clientCert: 'rsa' | 'ec' | 'self-signed' | null;
  /** TLS from the first byte (SMTPS, the smtps port) instead of STARTTLS. */
  implicit?: boolean;
  /** openssl s_client only: write the session's secrets (NSS key log format) for decryption. */
  keylog: boolean;
  /** OpenSSL cipher string (TLS 1.2) or ciphersuites (TLS 1.3) to force, when the case needs one. */
  cipher?: string;
  recipients: string[];
}

export const SENDER = 'alice@fabrikam.com';
export const RECIPIENT = 'bob@contoso.com';

function clientCertificate(session: LabSession, pki: LabPki): { cert: string; key: string } | null {
  if (session.clientCert === 'rsa') return pki.clientRsa;
  if (session.clientCert === 'ec') return pki.clientEc;
  if (session.clientCert === 'self-signed') return pki.clientSelfSigned;
  return null;
}

function swaksArgs(session: LabSession, ports: LabListeners, pki: LabPki): string[] {
  const args = ['--server', session.implicit ? ports.smtpsHost : '127.0.0.1', '--port', String(session.implicit ? ports.smtps : ports.smtp), '--helo', session.ehlo, '--from', SENDER, '--to', session.recipients.join(','),
    '--header', `Subject: ${session.label}`, '--body', `capture case ${session.label}`, '--timeout', '15'];
  if (session.tls) {
    args.push(session.implicit ? '--tls-on-connect' : '-tls', '--tls-protocol', session.tls === 'TLSv1.2' ? 'tlsv1_2' : 'tlsv1_3');
    if (session.cipher) args.push('--tls-cipher', session.cipher);
  }
  const cert = clientCertificate(session, pki);
  if (cert) args.push('--tls-cert', cert.cert, '--tls-key', cert.key);
  return args;
}

/**
 * `openssl s_client -starttls smtp`, fed one command per final reply line (`NNN text`) so the
 * dialogue is a real, unpipelined SMTP exchange over TLS whatever the timing.
 */
function opensslSession(session: LabSession, ports: LabListeners, pki: LabPki, keylogFile: string | null): Promise<Finished> {
  const target = session.implicit ? `${ports.smtpsHost}:${ports.smtps}` : `127.0.0.1:${ports.smtp}`;
  const args = ['s_client', '-connect', target, ...(session.implicit ? [] : ['-starttls', 'smtp', '-name', session.ehlo]), '-servername', 'mx.contoso.com',
    session.tls === 'TLSv1.2' ? '-tls1_2' : '-tls1_3', '-CAfile', pki.rootCa, '-quiet', '-nocommands'];
  if (session.cipher) args.push(session.tls === 'TLSv1.2' ? '-cipher' : '-ciphersuites', session.cipher);
  const cert = clientCertificate(session, pki);
  if (cert) args.push('-cert', cert.cert, '-key', cert.key);
  if (keylogFile) args.push('-keylogfile', keylogFile);
  const steps = [
    `EHLO ${session.ehlo}\r\n`,
    `MAIL FROM:<${SENDER}>\r\n`,
    ...session.recipients.map((r) => `RCPT TO:<${r}>\r\n`),
    'DATA\r\n',
    `Subject: ${session.label}\r\n\r\ncapture case ${session.label}\r\n.\r\n`,
    'QUIT\r\n',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let next = 0;
    const send = () => {
      const step = steps[next++];
      if (step !== undefined) child.stdin.write(step);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (/^\d{3} /.test(line)) send();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // After STARTTLS s_client has had the banner already and reads standard input only once the
    // handshake is done: the EHLO waits in the pipe. With implicit TLS the banner sends it.
    if (!session.implicit) send();
  });
}

export interface LabListeners {
  smtp: number;
  smtpsHost: string;
  smtps: number;
}

export async function playSession(session: LabSession, ports: LabListeners, pki: LabPki, keylogFile: string | null): Promise<Finished> {
  if (session.driver === 'openssl') return opensslSession(session, ports, pki, session.keylog ? keylogFile : null);
  return run('swaks', swaksArgs(session, ports, pki), { timeoutMs: 20_000 });
}
