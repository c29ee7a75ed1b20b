import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';
import { SENDER, type LabSession } from './support/clients.js';
import { factsFromCli, factsFromTshark } from './support/expected.js';
import { LAB_SESSIONS, labUnavailable, recordLab, type Lab, type LabCapture } from './support/lab.js';
import { opensslFingerprint } from './support/pki.js';
import { postfixConnections, type PostfixConnection } from './support/postfix-log.js';
import { REJECTED_RECIPIENT, REJECTED_REPLY } from './support/postfix.js';
import { opensslCipherNames, tsharkSessions, type TsharkSession } from './support/tshark.js';

/**
 * Captures made by real software: a private Postfix on loopback (STARTTLS, client certificates
 * asked for, one recipient refused), driven by swaks and `openssl s_client`, recorded by tcpdump
 * (pcap, nanosecond pcap) and dumpcap (pcapng, and pcapng with the keys injected by editcap).
 * tshark's reading of each capture is the reference; Postfix's log and openssl's fingerprints of
 * the certificate files check that reference first.
 */
const unavailable = labUnavailable();
const required = process.env.CI_REQUIRE_INTEGRATION === '1';
const pcapCommand = existsSync(join(ROOT, 'src/cli/command-pcap.ts'));
// Imported by path at run time, so this file compiles whether or not the reader is there yet.
const CAPTURE_READER = join(ROOT, 'src/ingest/pcap/read-capture-file.ts');
const captureReader = existsSync(CAPTURE_READER);

if (unavailable && required) {
  describe('capture tests against real software', () => {
    it('have what they need (CI_REQUIRE_INTEGRATION=1)', () => {
      throw new Error(`cannot run: ${unavailable}`);
    });
  });
}

const title = unavailable ? `capture tests against real software — skipped: ${unavailable}` : 'capture tests against real software';

describe.skipIf(unavailable !== null)(title, () => {
  let lab: Lab;
  let log: Map<number, PostfixConnection>;
  let cipherNames: Map<number, { iana: string; openssl: string }>;
  const tshark = new Map<string, TsharkSession[]>();
  const prints: Record<string, { sha1: string; sha256: string }> = {};

  beforeAll(async () => {
    lab = await recordLab();
    log = postfixConnections(lab.maillog);
    cipherNames = await opensslCipherNames();
    for (const capture of lab.captures) tshark.set(capture.name, await tsharkSessions(capture.file, { smtp: lab.port, smtps: lab.smtpsPort }, capture.keylog));
    for (const [name, file] of Object.entries({ server: 'server.crt', issuing: 'issuing.crt', clientRsa: 'client-rsa.crt', clientEc: 'client-ec.crt', clientSelfSigned: 'client-self.crt' })) {
      prints[name] = { sha1: await opensslFingerprint(join(lab.dir, file), 'sha1'), sha256: await opensslFingerprint(join(lab.dir, file), 'sha256') };
    }
  }, 180_000);

  afterAll(async () => {
    await lab?.close();
  });

  const clientPrint = (session: LabSession) =>
    session.clientCert === 'rsa' ? prints.clientRsa! : session.clientCert === 'ec' ? prints.clientEc! : session.clientCert === 'self-signed' ? prints.clientSelfSigned! : null;
  const byEhlo = (sessions: TsharkSession[], session: LabSession) => sessions.find((s) => s.commands.find((c) => c.command === 'EHLO')?.parameter === session.ehlo);
  const keysKnown = (capture: LabCapture, session: LabSession) => session.keylog && (capture.keylog !== null || capture.format === 'pcapng-dsb');

  describe('the recordings (tshark, Postfix and openssl agree)', () => {
    it('every capture was recorded whole: packets, none dropped, one TCP stream per session', () => {
      for (const capture of lab.captures) {
        expect(capture.captured, capture.name).toBeGreaterThan(10);
        expect(capture.dropped, capture.name).toBe(0);
        expect(tshark.get(capture.name)!.map((s) => s.commands[0]?.parameter), capture.name).toEqual(capture.sessions.map((s) => s.ehlo));
      }
    });

    for (const session of LAB_SESSIONS) {
      it(`${session.label}: what was asked for is what tshark and Postfix saw`, () => {
        const t = tshark.get(session.label)![0]!;
        const pf = log.get(Number(t.client.split(':')[1]));
        expect(pf, `Postfix logged the connection from ${t.client}`).toBeDefined();
        expect(t.replies[0]).toMatchObject({ code: 220, lines: ['mx.contoso.com ESMTP Postfix'] });
        const facts = factsFromTshark(t, session.keylog, cipherNames);
        expect(facts.ehlo).toBe(session.ehlo);
        expect(facts.starttls).toBe(session.implicit ? 'none' : session.tls ? 'accepted' : 'offered');
        if (!session.tls) {
          expect(t.tls).toBeNull();
          expect(pf!.tlsVersion).toBeNull();
        } else {
          expect(t.tls!.version).toBe(session.tls);
          expect(pf!.tlsVersion).toBe(session.tls);
          expect(cipherNames.get(t.tls!.cipherCode!)?.openssl, 'Postfix logs the cipher tshark decoded from the ServerHello').toBe(pf!.tlsCipher);
          const visible = session.tls === 'TLSv1.2' || session.keylog;
          if (visible) {
            expect(t.tls!.serverCertificates!.map((c) => c.sha256), 'leaf, then the issuing CA').toEqual([prints.server!.sha256, prints.issuing!.sha256]);
            expect(t.tls!.certificateRequest).toBe(true);
            const leaf = clientPrint(session);
            expect(t.tls!.clientCertificates![0]?.sha256 ?? null).toBe(leaf?.sha256 ?? null);
            if (!leaf) expect(t.tls!.clientCertificates, 'an empty client Certificate message').toEqual([]);
          } else {
            expect(t.tls!.serverHandshakeTypes, 'TLS 1.3 without keys: only the ServerHello is readable').toEqual([2]);
            expect(t.tls!.serverCertificates).toBeNull();
          }
          expect(pf!.tlsTrust).toBe(session.clientCert === null ? 'Anonymous' : session.clientCert === 'self-signed' ? 'Untrusted' : 'Trusted');
          expect(pf!.clientCertSha256).toBe(clientPrint(session)?.sha256 ?? null);
        }
        if (session.recipients.includes(REJECTED_RECIPIENT)) {
          expect(pf!.rejects).toEqual([{ code: REJECTED_REPLY.code, enhanced: REJECTED_REPLY.enhanced, text: `<${REJECTED_RECIPIENT}>: Recipient address rejected: ${REJECTED_REPLY.text}` }]);
          expect(t.replies.map((r) => r.code)).toEqual([220, 250, 250, 250, 550, 354, 250, 221]);
        }
      });
    }
  });

  /**
   * The same comparisons for two readings: what an admin runs (the pcap command's JSON) and the
   * library's readCaptureFile (its sessions as JSON), so the reader is checked as soon as it exists.
   */
  function compareWithTshark(reading: string, available: boolean, read: (capture: LabCapture) => Promise<{ sessions: any[] }>) {
    describe.skipIf(!available)(`${reading} compared with tshark${available ? '' : ' — skipped: not there yet'}`, () => {
      const runs = new Map<string, Promise<{ sessions: any[] }>>();
      const readOnce = (capture: LabCapture) => {
        if (!runs.has(capture.name)) runs.set(capture.name, read(capture));
        return runs.get(capture.name)!;
      };

      it('finds the same SMTP sessions as tshark in every capture', async () => {
        for (const capture of lab.captures) {
          const json = await readOnce(capture);
          expect(json.sessions.map((s: any) => s.client), capture.name).toEqual(tshark.get(capture.name)!.map((s) => s.client));
        }
      });

      for (const name of [...LAB_SESSIONS.map((s) => s.label), 'all-nano', 'all-pcapng', 'all-dsb']) {
        it(`${name}: every session field by field`, async () => {
          const capture = lab.captures.find((c) => c.name === name)!;
          const json = await readOnce(capture);
          for (const session of capture.sessions) {
            const t = byEhlo(tshark.get(name)!, session)!;
            const expected = factsFromTshark(t, keysKnown(capture, session), cipherNames);
            const found = json.sessions.find((s: any) => s.client === t.client);
            expect(found, `${name}: a session from ${t.client}`).toBeDefined();
            expect(factsFromCli(found), `${name} / ${session.label}`).toEqual(expected);
          }
        });
      }

      it('the refused recipient: 550 5.7.64 with its text, in the transaction that named it', async () => {
        const session = LAB_SESSIONS.find((s) => s.recipients.includes(REJECTED_RECIPIENT))!;
        const found = (await readOnce(lab.captures.find((c) => c.name === session.label)!)).sessions[0];
        const transaction = found.transactions.find((t: any) => (t.rcptTo ?? []).some((r: string) => r.includes(REJECTED_RECIPIENT)));
        expect(transaction, 'a transaction naming the refused recipient').toBeDefined();
        expect(transaction.mailFrom).toContain(SENDER);
        const rejected = transaction.replies.find((r: any) => r.code === REJECTED_REPLY.code);
        expect(rejected).toMatchObject({ command: 'RCPT', code: 550, enhanced: REJECTED_REPLY.enhanced });
        expect(rejected.text).toContain(REJECTED_REPLY.text);
      });

      it('TLS as Postfix logged it: version, cipher, and the client certificate it verified', async () => {
        const capture = lab.captures.find((c) => c.name === 'all-dsb')!;
        for (const found of (await readOnce(capture)).sessions) {
          const pf = log.get(Number(String(found.client).split(':').pop()));
          expect(pf, found.client).toBeDefined();
          if (!pf!.tlsVersion) {
            expect(found.tls, found.client).toBeNull();
            continue;
          }
          expect(found.tls.version, found.client).toBe(pf!.tlsVersion);
          expect([...cipherNames.values()].find((n) => n.iana === found.tls.cipher)?.openssl, found.client).toBe(pf!.tlsCipher);
          if (found.tls.clientCertificates !== null) {
            expect(found.tls.clientCertificates[0]?.sha256 ?? null, found.client).toBe(pf!.clientCertSha256);
          }
        }
      });
    });
  }

  compareWithTshark('mailflow-doctor pcap --format json', pcapCommand, async (capture) => {
    const args = ['bin/mailflow-doctor.js', 'pcap', capture.file, '--format', 'json', ...(capture.keylog ? ['--keylog', capture.keylog] : [])];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20, timeout: 120_000 });
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`pcap ${capture.name}: not JSON (exit ${r.status}): ${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 2000)}`);
    }
  });

  compareWithTshark('readCaptureFile', captureReader, async (capture) => {
    const { readCaptureFile } = await import(/* @vite-ignore */ CAPTURE_READER);
    const result = await readCaptureFile(capture.file, { keyLogFiles: capture.keylog ? [capture.keylog] : [] });
    return JSON.parse(JSON.stringify(result));
  });
});
