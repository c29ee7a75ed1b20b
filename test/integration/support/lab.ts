import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playSession, RECIPIENT, type LabSession } from './clients.js';
import { startCapture, type CaptureFormat, type RunningCapture } from './capture.js';
import { makeLabPki, type LabPki } from './pki.js';
import { REJECTED_RECIPIENT, startPostfix, type PostfixInstance } from './postfix.js';
import { runOk, which } from './processes.js';

/**
 * The sessions the lab records, one per case of the capture issue. Each EHLO name is its label,
 * so a session can be found again in any capture.
 */
export const LAB_SESSIONS: LabSession[] = [
  { label: 'tls12-client-cert', ehlo: 'tls12-client-cert.fabrikam.com', driver: 'swaks', tls: 'TLSv1.2', clientCert: 'rsa', keylog: false, recipients: [RECIPIENT] },
  { label: 'tls12-no-client-cert', ehlo: 'tls12-no-client-cert.fabrikam.com', driver: 'swaks', tls: 'TLSv1.2', clientCert: null, keylog: false, recipients: [RECIPIENT] },
  { label: 'tls12-keylog', ehlo: 'tls12-keylog.fabrikam.com', driver: 'openssl', tls: 'TLSv1.2', clientCert: 'rsa', keylog: true, cipher: 'ECDHE-RSA-AES128-GCM-SHA256', recipients: [RECIPIENT] },
  { label: 'tls13-keylog', ehlo: 'tls13-keylog.fabrikam.com', driver: 'openssl', tls: 'TLSv1.3', clientCert: 'ec', keylog: true, recipients: [RECIPIENT] },
  { label: 'tls13-keylog-no-client-cert', ehlo: 'tls13-keylog-no-client-cert.fabrikam.com', driver: 'openssl', tls: 'TLSv1.3', clientCert: null, keylog: true, cipher: 'TLS_CHACHA20_POLY1305_SHA256', recipients: [RECIPIENT] },
  { label: 'tls12-untrusted-client-cert', ehlo: 'tls12-untrusted-client-cert.fabrikam.com', driver: 'swaks', tls: 'TLSv1.2', clientCert: 'self-signed', keylog: false, recipients: [RECIPIENT] },
  { label: 'implicit-tls13-keylog', ehlo: 'implicit-tls13-keylog.fabrikam.com', driver: 'openssl', tls: 'TLSv1.3', clientCert: 'rsa', keylog: true, implicit: true, recipients: [RECIPIENT] },
  { label: 'tls13-no-keys', ehlo: 'tls13-no-keys.fabrikam.com', driver: 'swaks', tls: 'TLSv1.3', clientCert: 'rsa', keylog: false, recipients: [RECIPIENT] },
  { label: 'plain', ehlo: 'plain.fabrikam.com', driver: 'swaks', tls: null, clientCert: null, keylog: false, recipients: [RECIPIENT] },
  { label: 'rejected-recipient', ehlo: 'rejected-recipient.fabrikam.com', driver: 'swaks', tls: null, clientCert: null, keylog: false, recipients: [RECIPIENT, REJECTED_RECIPIENT] },
];

export interface LabCapture {
  name: string;
  file: string;
  format: CaptureFormat | 'pcapng-dsb';
  /** NSS key log for the sessions that wrote one; null when none did. */
  keylog: string | null;
  sessions: LabSession[];
  captured: number;
  dropped: number;
}

export interface Lab {
  dir: string;
  pki: LabPki;
  port: number;
  smtpsPort: number;
  maillog: string;
  /** One capture per session, then the whole run as nanosecond pcap, as pcapng, and as pcapng holding the keys. */
  captures: LabCapture[];
  /** The drivers' own output per session, for failure messages. */
  transcripts: Map<string, string>;
  close(): Promise<void>;
}

export const REQUIRED_TOOLS = ['postfix', 'swaks', 'openssl', 'tcpdump', 'dumpcap', 'tshark', 'editcap'] as const;

/** Why the lab cannot run here, or null when it can. */
export function labUnavailable(): string | null {
  const missing = REQUIRED_TOOLS.filter((t) => !which(t));
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt-get install postfix swaks libnet-ssleay-perl tcpdump tshark; .ci/run does)`;
  if (process.getuid?.() !== 0) return 'not root: Postfix and tcpdump on lo need root';
  if (spawnSync('perl', ['-MNet::SSLeay', '-e', '1'], { stdio: 'ignore' }).status !== 0) {
    return 'swaks cannot do TLS without Net::SSLeay (apt-get install libnet-ssleay-perl)';
  }
  return null;
}

/**
 * Starts Postfix, plays every session with per-session captures running while whole-run
 * captures (nanosecond pcap and pcapng) record them all, and stops everything before returning
 * — or when recording fails. `close` removes the files.
 */
export async function recordLab(sessions: LabSession[] = LAB_SESSIONS): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-pcap-lab-'));
  // Postfix's unprivileged daemons must reach their queue and the certificates below.
  chmodSync(dir, 0o755);
  const transcripts = new Map<string, string>();
  const captures: LabCapture[] = [];
  let postfix: PostfixInstance | null = null;
  const open: RunningCapture[] = [];
  try {
    const pki = await makeLabPki(dir);
    postfix = await startPostfix(join(dir, 'postfix'), pki);
    const port = postfix.port;
    const smtpsPort = postfix.smtpsPort;
    const listeners = { smtp: port, smtpsHost: postfix.smtpsHost, smtps: smtpsPort };
    const filter = `tcp port ${port} or (host ${postfix.smtpsHost} and tcp port ${smtpsPort})`;
    const allKeys = join(dir, 'all.keys');
    writeFileSync(allKeys, '');
    const wholeNano = await startCapture('pcap-nano', filter, join(dir, 'all-nano.pcap'));
    open.push(wholeNano);
    const wholeNg = await startCapture('pcapng', filter, join(dir, 'all.pcapng'));
    open.push(wholeNg);
    for (const session of sessions) {
      const file = join(dir, `${session.label}.pcap`);
      const keylog = session.keylog ? join(dir, `${session.label}.keys`) : null;
      const capture = await startCapture('pcap', filter, file);
      open.push(capture);
      const result = await playSession(session, listeners, pki, keylog);
      const counts = await capture.stop();
      open.splice(open.indexOf(capture), 1);
      transcripts.set(session.label, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
      if (keylog) {
        if (!existsSync(keylog)) throw new Error(`${session.label}: openssl wrote no key log\n${result.stderr}`);
        appendFileSync(allKeys, readFileSync(keylog));
      }
      captures.push({ name: session.label, file, format: 'pcap', keylog, sessions: [session], ...counts });
    }
    const nanoCounts = await wholeNano.stop();
    const ngCounts = await wholeNg.stop();
    open.length = 0;
    const keys = sessions.some((s) => s.keylog) ? allKeys : null;
    captures.push({ name: 'all-nano', file: wholeNano.file, format: 'pcap-nano', keylog: keys, sessions, ...nanoCounts });
    captures.push({ name: 'all-pcapng', file: wholeNg.file, format: 'pcapng', keylog: keys, sessions, ...ngCounts });
    if (keys) {
      // The keys inside the capture (pcapng Decryption Secrets Block), as Wireshark users share them.
      const dsb = join(dir, 'all-dsb.pcapng');
      await runOk('editcap', ['--inject-secrets', `tls,${keys}`, wholeNg.file, dsb]);
      captures.push({ name: 'all-dsb', file: dsb, format: 'pcapng-dsb', keylog: null, sessions, ...ngCounts });
    }
    const running = postfix;
    postfix = null;
    const maillog = running.maillog;
    await running.stop();
    return { dir, pki, port, smtpsPort, maillog, captures, transcripts, close: async () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    for (const capture of open) await capture.stop().catch(() => undefined);
    if (postfix) await postfix.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
