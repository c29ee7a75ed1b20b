import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeLabPki, opensslFingerprint, type LabPki } from '../integration/support/pki.js';
import { freePort } from '../integration/support/postfix.js';
import { run, runOk, sleep, which } from '../integration/support/processes.js';

/**
 * A private Postfix on 127.0.0.1 standing in for Exchange Online's attribution (EXO-SEMANTICS M4,
 * NDR-CATALOG 5.7.64): it asks every client for a certificate; a client whose certificate's
 * SHA-256 fingerprint is in relay_clientcerts may relay; every other relay attempt is refused at
 * RCPT TO with Exchange Online's text, by Postfix's own restriction maps.
 */
export const ATTRIBUTION_REPLY = '550 5.7.64 TenantAttribution; Relay Access Denied';

export interface ProbeLab {
  dir: string;
  pki: LabPki;
  /** Issued by the trusted root, but its validity ended in 2021. */
  expired: { cert: string; key: string };
  port: number;
  /** Implicit TLS (smtpd_tls_wrappermode, as on 465) on a port of its own. */
  smtpsPort: number;
  maillog: string;
  stop(): Promise<void>;
}

export function probeLabUnavailable(): string | null {
  const missing = ['postfix', 'openssl'].filter((t) => !which(t));
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt-get install postfix; .ci/run does)`;
  if (process.getuid?.() !== 0) return 'not root: a private Postfix needs root';
  return null;
}

async function expiredCertificate(dir: string): Promise<{ cert: string; key: string }> {
  // `openssl x509` of OpenSSL 3.0 cannot backdate; `openssl ca` can (-startdate/-enddate).
  mkdirSync(join(dir, 'ca-db'), { recursive: true });
  writeFileSync(join(dir, 'ca-db', 'index.txt'), '');
  writeFileSync(join(dir, 'ca-db', 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca = lab\n[lab]\ndatabase = ${dir}/ca-db/index.txt\nnew_certs_dir = ${dir}/ca-db\nserial = ${dir}/ca-db/serial\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n[any]\ncommonName = supplied\norganizationName = optional\ncountryName = optional\n[ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth,serverAuth\nsubjectAltName = DNS:old.fabrikam.com\n`);
  await runOk('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client-expired.key', '-out', 'client-expired.csr', '-subj', '/C=US/O=Fabrikam/CN=old.fabrikam.com'], { cwd: dir });
  await runOk('openssl', ['ca', '-batch', '-config', 'ca.cnf', '-extensions', 'ext', '-cert', 'root.crt', '-keyfile', 'root.key', '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-in', 'client-expired.csr', '-out', 'client-expired.crt', '-notext'], { cwd: dir });
  return { cert: join(dir, 'client-expired.crt'), key: join(dir, 'client-expired.key') };
}

const SERVICES = [
  'pickup unix n - n 60 1 pickup', 'cleanup unix n - n - 0 cleanup', 'qmgr unix n - n 300 1 qmgr', 'tlsmgr unix - - n 1000? 1 tlsmgr',
  'rewrite unix - - n - - trivial-rewrite', 'bounce unix - - n - 0 bounce', 'defer unix - - n - 0 bounce', 'trace unix - - n - 0 bounce',
  'verify unix - - n - 1 verify', 'flush unix n - n 1000? 0 flush', 'proxymap unix - - n - - proxymap', 'smtp unix - - n - - smtp',
  'showq unix n - n - - showq', 'error unix - - n - - error', 'retry unix - - n - - error', 'discard unix - - n - - discard',
  'anvil unix - - n - 1 anvil', 'scache unix - - n - 1 scache', 'postlog unix-dgram n - n - 1 postlogd',
];

function mainCf(dir: string, pki: LabPki): string {
  return `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
myhostname = mx.contoso.com
mydestination = $myhostname, localhost
inet_interfaces = loopback-only
inet_protocols = ipv4
# nobody relays by address: only a listed certificate does (as EXO with a certificate-scoped connector)
mynetworks = 127.0.0.254/32
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
alias_maps =
alias_database =
local_recipient_maps =
default_transport = discard
local_transport = discard
smtpd_relay_restrictions =
smtpd_recipient_restrictions = permit_tls_clientcerts, check_recipient_access regexp:${dir}/etc/attribution, reject
relay_clientcerts = texthash:${dir}/etc/relay_clientcerts
smtpd_tls_fingerprint_digest = sha256
smtpd_tls_cert_file = ${pki.serverChain}
smtpd_tls_key_file = ${pki.serverKey}
smtpd_tls_CAfile = ${pki.rootCa}
smtpd_tls_security_level = may
smtpd_tls_ask_ccert = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database =
`;
}

const started = new Set<string>();
process.once('exit', () => {
  for (const etc of started) spawnSync('postfix', ['-c', etc, 'stop'], { stdio: 'ignore', timeout: 5000 });
});

export async function startProbeLab(dir: string): Promise<ProbeLab> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const pkiDir = join(dir, 'pki');
  mkdirSync(pkiDir, { recursive: true });
  const pki = await makeLabPki(pkiDir);
  const expired = await expiredCertificate(pkiDir);
  const pf = join(dir, 'postfix');
  const etc = join(pf, 'etc');
  for (const sub of ['etc', 'queue', 'data']) mkdirSync(join(pf, sub), { recursive: true });
  chownSync(join(pf, 'data'), Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim()), -1);
  const fingerprint = (await runOk('openssl', ['x509', '-in', pki.clientRsa.cert, '-noout', '-fingerprint', '-sha256'])).stdout.split('=')[1]!.trim();
  writeFileSync(join(etc, 'relay_clientcerts'), `${fingerprint} smtp.fabrikam.com\n`);
  writeFileSync(join(etc, 'attribution'), `/^/ ${ATTRIBUTION_REPLY}\n`);
  writeFileSync(join(etc, 'main.cf'), mainCf(pf, pki));
  const maillog = join(pf, 'maillog');
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const smtpsPort = await freePort();
    writeFileSync(join(etc, 'master.cf'), [`127.0.0.1:${port} inet n - n - - smtpd`, `127.0.0.1:${smtpsPort} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes`, ...SERVICES].join('\n') + '\n');
    const check = await run('postfix', ['-c', etc, 'check'], { timeoutMs: 20_000 });
    if (check.code !== 0) throw new Error(`postfix check failed: ${check.stderr}${log(maillog)}`);
    const start = await run('postfix', ['-c', etc, 'start'], { timeoutMs: 20_000 });
    started.add(etc);
    if (start.code !== 0) {
      last = `postfix start failed: ${start.stderr}${log(maillog)}`;
      continue;
    }
    for (let i = 0; i < 100; i++) {
      if (await listening(port)) {
        return { dir, pki, expired, port, smtpsPort, maillog, stop: async () => { await run('postfix', ['-c', etc, 'stop'], { timeoutMs: 20_000 }); started.delete(etc); } };
      }
      await sleep(100);
    }
    last = `postfix did not listen on ${port}${log(maillog)}`;
    await run('postfix', ['-c', etc, 'stop'], { timeoutMs: 20_000 });
  }
  throw new Error(last);
}

async function listening(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function log(file: string): string {
  return existsSync(file) ? `\n${readFileSync(file, 'utf8').slice(-3000)}` : '';
}

export { opensslFingerprint };
