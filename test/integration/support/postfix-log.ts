import { readFileSync } from 'node:fs';

/**
 * Postfix's own account of each connection (smtpd lines of its maillog), keyed by the client
 * port (`smtpd_client_port_logging = yes`), to set beside what the capture shows.
 */
export interface PostfixConnection {
  clientPort: number;
  /** `Trusted`, `Untrusted`, `Anonymous`, `Verified`: whether a client certificate was sent and checked. */
  tlsTrust: string | null;
  tlsVersion: string | null;
  /** OpenSSL's cipher name (`ECDHE-RSA-AES256-GCM-SHA384`, `TLS_AES_256_GCM_SHA384`). */
  tlsCipher: string | null;
  clientCertCommonName: string | null;
  /** smtpd_tls_fingerprint_digest (sha256) of the client certificate, upper-case hex without colons. */
  clientCertSha256: string | null;
  rejects: { code: number; enhanced: string; text: string }[];
  /** `ehlo=2 starttls=1 mail=1 rcpt=1/2 …` from the disconnect line. */
  commandCounts: string | null;
}

export function postfixConnections(maillog: string): Map<number, PostfixConnection> {
  const byPid = new Map<string, PostfixConnection>();
  const byPort = new Map<number, PostfixConnection>();
  for (const line of readFileSync(maillog, 'utf8').split('\n')) {
    const m = /postfix\/smtpd\[(\d+)\]: (.*)$/.exec(line);
    if (!m) continue;
    const [, pid, message] = m as unknown as [string, string, string];
    const connect = /^connect from [^\[]*\[[^\]]+\]:(\d+)$/.exec(message);
    if (connect) {
      const connection: PostfixConnection = { clientPort: Number(connect[1]), tlsTrust: null, tlsVersion: null, tlsCipher: null, clientCertCommonName: null, clientCertSha256: null, rejects: [], commandCounts: null };
      byPid.set(pid, connection);
      byPort.set(connection.clientPort, connection);
      continue;
    }
    const connection = byPid.get(pid);
    if (!connection) continue;
    const tls = /^(\w+) TLS connection established from \S+: (TLSv[\d.]+) with cipher (\S+)/.exec(message);
    if (tls) [, connection.tlsTrust, connection.tlsVersion, connection.tlsCipher] = tls as unknown as [string, string, string, string];
    const cert = /subject_CN=([^,]+), issuer=[^,]*, fingerprint=([0-9A-F:]+)/.exec(message);
    if (cert) {
      connection.clientCertCommonName = cert[1]!;
      connection.clientCertSha256 = cert[2]!.replace(/:/g, '');
    }
    const reject = /^(?:NOQUEUE|[0-9A-F]+): reject: \S+ from \S+: (\d{3}) (\d\.\d{1,3}\.\d{1,3}) (.*?); from=/.exec(message);
    if (reject) connection.rejects.push({ code: Number(reject[1]), enhanced: reject[2]!, text: reject[3]! });
    const disconnect = /^disconnect from \S+ (.*)$/.exec(message);
    if (disconnect) {
      connection.commandCounts = disconnect[1]!;
      byPid.delete(pid);
    }
  }
  return byPort;
}
