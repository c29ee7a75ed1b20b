import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../integration/support/postfix.js';
import { run, runOk, sleep, which } from '../../integration/support/processes.js';

/**
 * A private Postfix acting as an organization's third-party gateway: smtpd with STARTTLS and
 * `smtpd_tls_received_header = yes`, and an after-queue content filter looped over 127.0.0.1 the
 * way amavisd-new is set up (`content_filter = smtp:[127.0.0.1]:PORT`, a second smtpd on that port
 * with `content_filter=` cleared) — so one machine stamps two Received headers. What leaves the
 * gateway is delivered by pipe(8) into a file: the message exactly as the next hop would get it.
 */
export const GATEWAY_HOST = 'gw.contoso.com';

export interface GatewayLab {
  dir: string;
  port: number;
  /** Sends `data` (a whole message) with swaks over STARTTLS, EHLO as `ehlo`; resolves to the delivered message. */
  relay(data: string, ehlo: string): Promise<string>;
  close(): Promise<void>;
}

export function gatewayLabUnavailable(): string | null {
  const missing = ['postfix', 'swaks', 'openssl'].filter((t) => !which(t));
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt-get install postfix swaks libnet-ssleay-perl)`;
  if (process.getuid?.() !== 0) return 'not root: a private Postfix instance needs root';
  if (spawnSync('perl', ['-MNet::SSLeay', '-e', '1'], { stdio: 'ignore' }).status !== 0) return 'swaks cannot do STARTTLS without Net::SSLeay (apt-get install libnet-ssleay-perl)';
  return null;
}

const SERVICES = [
  'pickup unix n - n 60 1 pickup', 'cleanup unix n - n - 0 cleanup', 'qmgr unix n - n 300 1 qmgr', 'tlsmgr unix - - n 1000? 1 tlsmgr',
  'rewrite unix - - n - - trivial-rewrite', 'bounce unix - - n - 0 bounce', 'defer unix - - n - 0 bounce', 'trace unix - - n - 0 bounce',
  'verify unix - - n - 1 verify', 'flush unix n - n 1000? 0 flush', 'proxymap unix - - n - - proxymap', 'smtp unix - - n - - smtp',
  'showq unix n - n - - showq', 'error unix - - n - - error', 'retry unix - - n - - error', 'discard unix - - n - - discard',
  'anvil unix - - n - 1 anvil', 'scache unix - - n - 1 scache', 'postlog unix-dgram n - n - 1 postlogd',
];

const started = new Set<string>();
process.once('exit', () => {
  for (const etc of started) spawnSync('postfix', ['-c', etc, 'stop'], { stdio: 'ignore', timeout: 5000 });
});

export async function startGatewayLab(): Promise<GatewayLab> {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-headers-postfix-'));
  chmodSync(dir, 0o755);
  const etc = join(dir, 'etc');
  const out = join(dir, 'delivered');
  for (const sub of [etc, join(dir, 'queue'), join(dir, 'data'), out]) mkdirSync(sub, { recursive: true });
  chownSync(join(dir, 'data'), Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim()), -1);
  chmodSync(out, 0o777);
  await runOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'gw.key'), '-out', join(dir, 'gw.crt'), '-days', '2', '-subj', `/CN=${GATEWAY_HOST}`]);
  chmodSync(join(dir, 'gw.key'), 0o600);
  const capture = join(dir, 'capture.sh');
  writeFileSync(capture, '#!/bin/sh\nexec cat > "$1/$(date +%s%N)-$$.eml"\n');
  chmodSync(capture, 0o755);
  const port = await freePort();
  const filterPort = await freePort();
  writeFileSync(
    join(etc, 'main.cf'),
    `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
myhostname = ${GATEWAY_HOST}
mydomain = contoso.com
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtp_host_lookup = native
default_transport = capture
smtpd_tls_cert_file = ${dir}/gw.crt
smtpd_tls_key_file = ${dir}/gw.key
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_tls_session_cache_database =
`,
  );
  writeFileSync(
    join(etc, 'master.cf'),
    [
      // The gateway's listener: everything it accepts goes through the content filter first.
      `127.0.0.1:${port} inet n - n - - smtpd -o content_filter=smtp:[127.0.0.1]:${filterPort}`,
      // Where the filter gives mail back (amavisd-new's 10025): no filter again.
      `127.0.0.1:${filterPort} inet n - n - - smtpd -o content_filter= -o smtpd_tls_security_level=none`,
      `capture unix - n n - - pipe flags= user=nobody argv=${capture} ${out}`,
      ...SERVICES,
    ].join('\n') + '\n',
  );
  const check = await run('postfix', ['-c', etc, 'check'], { timeoutMs: 20_000 });
  if (check.code !== 0) throw new Error(`postfix check failed: ${check.stderr}${log(dir)}`);
  const start = await run('postfix', ['-c', etc, 'start'], { timeoutMs: 20_000 });
  started.add(etc);
  if (start.code !== 0) throw new Error(`postfix start failed: ${start.stderr}${log(dir)}`);
  const close = async () => {
    if (started.delete(etc)) await run('postfix', ['-c', etc, 'stop'], { timeoutMs: 20_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    port,
    close,
    async relay(data: string, ehlo: string): Promise<string> {
      const before = new Set(readdirSync(out));
      const message = join(dir, `submit-${before.size}.eml`);
      writeFileSync(message, data);
      // Postfix may still be binding its listeners: swaks is retried for a few seconds.
      let sent = null;
      for (let attempt = 0; attempt < 50; attempt++) {
        sent = await run('swaks', ['--server', `127.0.0.1:${port}`, '--ehlo', ehlo, '--from', 'alice@contoso.com', '--to', 'bob@contoso.com', '--tls', '--data', message], { timeoutMs: 30_000 });
        if (sent.code === 0) break;
        await sleep(200);
      }
      if (sent?.code !== 0) throw new Error(`swaks failed: ${sent?.stdout}${sent?.stderr}${log(dir)}`);
      for (let i = 0; i < 300; i++) {
        const fresh = readdirSync(out).filter((f) => !before.has(f));
        if (fresh.length > 0) {
          const path = join(out, fresh[0]!);
          // pipe(8) writes while the file exists: wait until the message's last line is there.
          const text = readFileSync(path, 'utf8');
          if (text.includes('-- end of message --')) return text;
        }
        await sleep(100);
      }
      throw new Error(`nothing delivered within 30 s${log(dir)}`);
    },
  };
}

function log(dir: string): string {
  const path = join(dir, 'maillog');
  return existsSync(path) ? `\n${readFileSync(path, 'utf8').slice(-3000)}` : '';
}
