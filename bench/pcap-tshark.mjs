import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The tshark side of the pcap benchmark: one pass of `tshark -T fields` extracting, per TCP
 * stream, every SMTP reply code and the certificates of each Certificate message (hex DER), with
 * the key log for the sessions that have one — the facts `mailflow-doctor pcap` reports.
 */
export function tsharkArgs(file, keyLog) {
  return [
    '-r', file, '-n',
    ...(keyLog ? ['-o', `tls.keylog_file:${keyLog}`] : []),
    // The filler's HTTP bodies are not needed: tshark is spared reassembling them.
    '-o', 'http.desegment_body:FALSE',
    // ServerHello frames tell which side is the server before any SMTP reply with implicit TLS.
    '-Y', 'smtp.response.code || tls.handshake.type == 2 || tls.handshake.type == 11',
    '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,',
    '-e', 'tcp.stream', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.dstport',
    '-e', 'smtp.response.code', '-e', 'tls.handshake.type', '-e', 'tls.handshake.certificates_length', '-e', 'tls.handshake.certificate',
  ];
}

const sha256 = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex').toUpperCase();

/**
 * Reads tshark's output into sessions keyed by client `ip:port`: reply codes in order, server and
 * client certificate SHA-256s (null when no Certificate message was readable).
 */
export async function tsharkSessionsFromOutput(outputFile) {
  const streams = new Map();
  const lines = createInterface({ input: createReadStream(outputFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const [stream, srcIp, srcPort, dstIp, dstPort, codes, types, , certs] = line.split('\t');
    let s = streams.get(stream);
    if (!s) {
      s = { server: null, client: null, replyCodes: [], serverCertificates: null, clientCertificates: null };
      streams.set(stream, s);
    }
    const src = `${srcIp}:${srcPort}`;
    const dst = `${dstIp}:${dstPort}`;
    const handshake = types ? types.split(',') : [];
    if (codes || handshake.includes('2')) {
      s.server ??= src;
      s.client ??= dst;
    }
    if (codes) for (const c of codes.split(',')) s.replyCodes.push(Number(c));
    if (handshake.includes('11')) {
      const prints = certs ? certs.split(',').map(sha256) : [];
      if (src === s.server) s.serverCertificates = prints;
      else s.clientCertificates = prints;
    }
  }
  const sessions = new Map();
  for (const s of streams.values()) if (s.client && s.replyCodes.length > 0) sessions.set(s.client, s);
  return sessions;
}
