import type { TsharkSession } from './tshark.js';

/**
 * One session reduced to the facts both sides must agree on, in the `pcap --format json`
 * contract's terms: built once from tshark's view (what the capture reader must print) and once
 * from mailflow-doctor's JSON, then compared with toEqual so a mismatch shows field by field.
 */
export interface SessionFacts {
  client: string;
  server: string;
  banner: string | null;
  ehlo: string | null;
  /** Extension keywords advertised in reply to the first EHLO (first word, upper case). */
  extensions: string[];
  starttls: string;
  tls: {
    version: string | null;
    cipher: string | null;
    serverCertificates: { sha1: string; sha256: string }[] | null;
    clientCertificateRequested: boolean | null;
    clientCertificates: { sha1: string; sha256: string }[] | null;
    decrypted: boolean;
  } | null;
  /** Every reply code of the session, in order. */
  replyCodes: number[];
}

const prints = (certs: { sha1: string; sha256: string }[]) => certs.map((c) => ({ sha1: c.sha1, sha256: c.sha256 }));

/**
 * What mailflow-doctor must report for a session tshark read. `keysKnown`: the key log (or the
 * capture's own secrets) holds this session's keys, so encrypted parts are readable.
 */
export function factsFromTshark(t: TsharkSession, keysKnown: boolean, cipherNames: Map<number, { iana: string }>): SessionFacts {
  const banner = t.replies[0]?.code === 220 ? t.replies[0].lines[0] ?? null : null;
  const ehlo = t.commands.find((c) => c.command === 'EHLO' || c.command === 'HELO')?.parameter ?? null;
  const firstEhloIndex = t.commands.findIndex((c) => c.command === 'EHLO');
  const ehloReply = firstEhloIndex >= 0 ? t.replies.find((r) => r.frame > t.commands[firstEhloIndex]!.frame) : undefined;
  const extensions = (ehloReply?.code === 250 ? ehloReply.lines.slice(1) : []).map((l) => l.split(' ')[0]!.toUpperCase());
  // tshark 4.0 takes four characters as the command and skips one: STARTTLS is `STAR` + `TLS`.
  const starttlsCommand = t.commands.find((c) => c.command.toUpperCase() === 'STARTTLS' || (c.command.toUpperCase() === 'STAR' && c.parameter.toUpperCase() === 'TLS'));
  const starttlsReply = starttlsCommand ? t.replies.find((r) => r.frame > starttlsCommand.frame) : undefined;
  const starttls = starttlsCommand ? (starttlsReply?.code === 220 ? 'accepted' : 'refused') : extensions.includes('STARTTLS') ? 'offered' : 'none';
  let tls: SessionFacts['tls'] = null;
  if (t.tls) {
    const tls13 = t.tls.version === 'TLSv1.3';
    // TLS 1.3 encrypts Certificate and CertificateRequest: without keys they are unknowable.
    const hidden = tls13 && !keysKnown;
    tls = {
      version: t.tls.version,
      cipher: t.tls.cipherCode === null ? null : cipherNames.get(t.tls.cipherCode)?.iana ?? `0x${t.tls.cipherCode.toString(16)}`,
      serverCertificates: hidden ? null : t.tls.serverCertificates ? prints(t.tls.serverCertificates) : null,
      clientCertificateRequested: hidden ? null : t.tls.certificateRequest,
      clientCertificates: hidden ? null : t.tls.clientCertificates ? prints(t.tls.clientCertificates) : t.tls.certificateRequest ? null : [],
      decrypted: keysKnown,
    };
  }
  return { client: t.client, server: t.server, banner, ehlo, extensions, starttls, tls, replyCodes: t.replies.map((r) => r.code) };
}

/** With implicit TLS the first EHLO reply, inside TLS, is the session's `extensions` (as tshark reads it). */
function advertised(s: any): string[] {
  return s.extensions ?? [];
}

/* The command's JSON is read loosely on purpose: the comparison must report what it printed, not fail to compile. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function factsFromCli(s: any): SessionFacts {
  const replies: { code: number; packet?: number }[] = [...(s.replies ?? []), ...(s.transactions ?? []).flatMap((t: any) => t.replies ?? [])];
  if (replies.every((r) => typeof r.packet === 'number')) replies.sort((a, b) => a.packet! - b.packet!);
  const certs = (list: any) => (Array.isArray(list) ? list.map((c: any) => ({ sha1: c.sha1, sha256: c.sha256 })) : list ?? null);
  return {
    client: s.client,
    server: s.server,
    banner: typeof s.banner === 'string' ? s.banner.replace(/^220[ -]/, '').split(/\r?\n/)[0] : s.banner ?? null,
    ehlo: s.ehlo ?? null,
    extensions: advertised(s).map((e: string) => e.split(' ')[0]!.toUpperCase()),
    starttls: s.starttls,
    tls: s.tls
      ? {
          version: s.tls.version ?? null,
          cipher: s.tls.cipher ?? null,
          serverCertificates: certs(s.tls.serverCertificates),
          clientCertificateRequested: s.tls.clientCertificateRequested ?? null,
          clientCertificates: certs(s.tls.clientCertificates),
          decrypted: s.tls.decrypted === true,
        }
      : null,
    replyCodes: replies.map((r) => r.code),
  };
}
