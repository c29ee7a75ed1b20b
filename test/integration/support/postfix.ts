import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { LabPki } from './pki.js';
import { run, sleep } from './processes.js';

/**
 * A private Postfix instance on 127.0.0.1 without systemd or syslog: its own config directory,
 * queue and log file under `dir`, STARTTLS offered, a client certificate asked for (and checked
 * against the lab root), everything accepted is discarded, and one recipient is refused with an
 * Exchange Online-style reply so a capture holds a 5xx with an enhanced status code.
 */
export interface PostfixInstance {
  dir: string;
  port: number;
  /**
   * Implicit TLS (SMTPS, smtpd_tls_wrappermode) on port 465 itself — readers know SMTPS by that
   * port — of a loopback address of its own (127.0.0.x), so it never needs a free 465 on 127.0.0.1.
   */
  smtpsHost: string;
  smtpsPort: number;
  maillog: string;
  hostname: string;
  stop(): Promise<void>;
}

export const MX_HOSTNAME = 'mx.contoso.com';
export const REJECTED_RECIPIENT = 'blocked@contoso.com';
export const REJECTED_REPLY = { code: 550, enhanced: '5.7.64', text: 'TenantAttribution; Relay Access Denied' };

export const SMTPS_PORT = 465;

export async function freePort(host = '127.0.0.1', port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function mainCf(dir: string, pki: LabPki): string {
  return `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
myhostname = ${MX_HOSTNAME}
mydomain = contoso.com
mydestination = $myhostname, localhost, contoso.com
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# no syslog here: Postfix writes its own log through postlogd
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
alias_maps =
alias_database =
local_recipient_maps =
default_transport = discard
local_transport = discard
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:${dir}/etc/recipient_access, permit_mynetworks, reject_unauth_destination
smtpd_tls_cert_file = ${pki.serverChain}
smtpd_tls_key_file = ${pki.serverKey}
smtpd_tls_CAfile = ${pki.rootCa}
smtpd_tls_security_level = may
# the client port in every log line ties a log entry to a TCP stream of the capture
smtpd_client_port_logging = yes
smtpd_tls_ask_ccert = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_fingerprint_digest = sha256
# level 2 logs the client certificate's subject and fingerprint (level 1 does not)
smtpd_tls_loglevel = 2
smtpd_tls_session_cache_database =
`;
}

const SERVICES = [
  'pickup unix n - n 60 1 pickup', 'cleanup unix n - n - 0 cleanup', 'qmgr unix n - n 300 1 qmgr', 'tlsmgr unix - - n 1000? 1 tlsmgr',
  'rewrite unix - - n - - trivial-rewrite', 'bounce unix - - n - 0 bounce', 'defer unix - - n - 0 bounce', 'trace unix - - n - 0 bounce',
  'verify unix - - n - 1 verify', 'flush unix n - n 1000? 0 flush', 'proxymap unix - - n - - proxymap', 'smtp unix - - n - - smtp',
  'showq unix n - n - - showq', 'error unix - - n - - error', 'retry unix - - n - - error', 'discard unix - - n - - discard',
  'anvil unix - - n - 1 anvil', 'scache unix - - n - 1 scache', 'postlog unix-dgram n - n - 1 postlogd',
];

/**
 * Ready means smtpd answers with its banner. The probe then says QUIT and waits for the close, so
 * no half-finished probe connection spills into a capture started right after.
 */
async function answersBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let seen = '';
    let greeted = false;
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      seen += d;
      if (!greeted && /^220 .*\r\n/m.test(seen)) {
        greeted = true;
        socket.write('QUIT\r\n');
      }
    });
    socket.once('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(greeted);
    });
  });
}

/** A loopback address (any 127/8 address is on lo) whose port 465 is free. */
async function freeSmtpsHost(): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const host = `127.0.0.${2 + Math.floor(Math.random() * 250)}`;
    if (await freePort(host, SMTPS_PORT).then(() => true, () => false)) return host;
  }
  throw new Error(`no loopback address with port ${SMTPS_PORT} free`);
}

const started = new Set<string>();

/** Stops every instance still running when the worker exits, whatever went wrong before afterAll. */
process.once('exit', () => {
  for (const etc of started) spawnSync('postfix', ['-c', etc, 'stop'], { stdio: 'ignore', timeout: 5000 });
});

export async function startPostfix(dir: string, pki: LabPki): Promise<PostfixInstance> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const sub of ['etc', 'queue', 'data']) mkdirSync(join(dir, sub), { recursive: true });
  chownSync(join(dir, 'data'), postfixUid(), -1);
  writeFileSync(join(dir, 'etc', 'recipient_access'), `${REJECTED_RECIPIENT} ${REJECTED_REPLY.code} ${REJECTED_REPLY.enhanced} ${REJECTED_REPLY.text}\n`);
  writeFileSync(join(dir, 'etc', 'main.cf'), mainCf(dir, pki));
  const etc = join(dir, 'etc');
  const maillog = join(dir, 'maillog');
  let lastError = '';
  // The free port can be taken between the probe and Postfix's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const smtpsHost = await freeSmtpsHost();
    const listeners = [`127.0.0.1:${port} inet n - n - - smtpd`, `${smtpsHost}:${SMTPS_PORT} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes`];
    writeFileSync(join(etc, 'master.cf'), [...listeners, ...SERVICES].join('\n') + '\n');
    // postfix reports configuration errors only to a terminal or syslog; the maillog is read on failure.
    const check = await run('postfix', ['-c', etc, 'check'], { timeoutMs: 20_000 });
    if (check.code !== 0) throw new Error(`postfix check failed (${check.code}): ${check.stderr}${readLog(maillog)}`);
    const start = await run('postfix', ['-c', etc, 'start'], { timeoutMs: 20_000 });
    started.add(etc);
    if (start.code !== 0) {
      lastError = `postfix start failed (${start.code}): ${start.stderr}${readLog(maillog)}`;
      continue;
    }
    // master binds every listener before it serves any: the STARTTLS port answering means both are up.
    for (let i = 0; i < 100; i++) {
      if (await answersBanner(port)) {
        return { dir, port, smtpsHost, smtpsPort: SMTPS_PORT, maillog, hostname: MX_HOSTNAME, stop: () => stopPostfix(etc) };
      }
      await sleep(100);
    }
    lastError = `postfix did not listen on 127.0.0.1:${port}: ${readLog(maillog)}`;
    await stopPostfix(etc);
  }
  throw new Error(lastError);
}

async function stopPostfix(etc: string): Promise<void> {
  if (!started.has(etc)) return;
  await run('postfix', ['-c', etc, 'stop'], { timeoutMs: 20_000 });
  started.delete(etc);
}

function readLog(maillog: string): string {
  return existsSync(maillog) ? `\n${readFileSync(maillog, 'utf8').slice(-3000)}` : '';
}

function postfixUid(): number {
  const r = spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}
