import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redactReport } from '../../src/cli/redact-report.js';
import { TextSpool } from '../../src/cli/text-spool.js';
import { RedactionMap } from '../../src/redact/index.js';
import { readCaptureFile } from '../../src/ingest/pcap/read-capture-file.js';
import type { CaptureReadResult, CapturedSession } from '../../src/model/capture.js';
import { FirstSessions } from '../../src/cli/first-sessions.js';
import { pcapHtml } from '../../src/report/html/build.js';
import { MAX_SESSIONS } from '../../src/report/html/evidence-model.js';
import { numbered, SESSION_NUMBER } from '../../src/report/pcap-document.js';
import { renderPcapMarkdown } from '../../src/report/render-evidence-markdown.js';
import { renderPcapText } from '../../src/report/render-pcap.js';
import { PLAIN } from '../../src/report/style.js';
import { Conversation, pcapFile, type Frame, type Segment } from '../ingest/pcap/capture-builder.js';
import { runMain } from './in-process.js';

// The project's rule: never crash on a large input, in bounded memory. `pcap` renders each session
// to text as its connection ends and writes the document once the capture is read; the report must
// be the one the whole-document renderers give, byte for byte, whatever the number of sessions.
const TRIOS = 150;
const RECIPIENTS = 60;

/**
 * Three connections at a time, nested: the first opens, then the second, the third runs whole,
 * then the second ends, then the first. The reader hands sessions over as they end (third, second,
 * first); the report lists them by first packet. Many recipients make each session tens of KB of
 * text, so the conversations outgrow what a spool keeps in memory.
 */
function nestedCapture(): Buffer {
  const frames: Frame[] = [];
  const take = (c: Conversation, segments: Segment[]): void => {
    for (const p of c.packets(segments)) frames.push({ data: p, time: 0 });
  };
  for (let t = 0; t < TRIOS; t++) {
    const [a, b, c] = [0, 1, 2].map((k) => smtp(3 * t + k));
    take(a!, a!.segments.slice(0, 3));
    take(b!, b!.segments.slice(0, 3));
    take(c!, c!.segments);
    take(b!, b!.segments.slice(3));
    take(a!, a!.segments.slice(3));
  }
  // Ethernet frames a millisecond apart, in the order laid out above.
  return pcapFile(frames.map((f, i) => ({ data: ethernetIpv4(f.data), time: 1_795_000_000 + i / 1000 })));
}

function ethernetIpv4(packet: Buffer): Buffer {
  const header = Buffer.alloc(14);
  header.writeUInt16BE(0x0800, 12);
  return Buffer.concat([header, packet]);
}

function smtp(n: number): Conversation {
  const c = new Conversation({ ip: '192.0.2.10', port: 20000 + n }, { ip: '198.51.100.25', port: 25 });
  const rcpts = Array.from({ length: RECIPIENTS }, (_, i) => `RCPT TO:<recipient-${i}-of-session-${n}-${'x'.repeat(120)}@contoso.com>\r\n`);
  return c
    .server('220 mail.contoso.com ESMTP\r\n')
    .client(`EHLO client-${n}.fabrikam.com\r\n`)
    .server('250-mail.contoso.com\r\n250 PIPELINING\r\n')
    .client(`MAIL FROM:<sender-${n}@fabrikam.com>\r\n${rcpts.join('')}`)
    .server(`250 2.1.0 Ok\r\n${rcpts.map((_, i) => (i % 7 === 3 ? '550 5.1.1 User unknown\r\n' : '250 2.1.5 Ok\r\n')).join('')}`)
    .client('QUIT\r\n')
    .server('221 2.0.0 Bye\r\n')
    .close();
}

describe('pcap text and Markdown written from sessions kept as text', () => {
  let dir: string;
  let capture: string;
  let whole: CaptureReadResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcap-stream-'));
    capture = join(dir, 'nested.pcap');
    writeFileSync(capture, nestedCapture());
    whole = await readCaptureFile(capture);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the capture is what the test means: sessions end in another order than they begin', async () => {
    const ended: number[] = [];
    await readCaptureFile(capture, { keepSessions: false, onSession: (s) => ended.push(s.packets.first) });
    expect(ended).toHaveLength(3 * TRIOS);
    expect(ended.slice(0, 3)).toEqual([...ended.slice(0, 3)].sort((x, y) => y - x));
    expect(whole.sessions.map((s) => s.packets.first)).toEqual([...ended].sort((x, y) => x - y));
  });

  it('text: the same bytes as the whole document, sessions numbered by first packet, past the in-memory spool', async () => {
    const spill = vi.spyOn(TextSpool.prototype as unknown as { spill: () => void }, 'spill');
    const out = join(dir, 'nested.txt');
    const r = await runMain('pcap', capture, '--output', out);
    expect(r.code).toBe(0);
    expect(spill).toHaveBeenCalled();
    spill.mockRestore();
    const text = readFileSync(out, 'utf8');
    expect(text).toBe(renderPcapText(whole, PLAIN));
    // Numbered in the order connections began (client ports rise with them), not the order they ended.
    const headings = [...text.matchAll(/^Session (\d+): 192\.0\.2\.10:(\d+) →/gm)].map((m) => [Number(m[1]), Number(m[2]) - 20000]);
    expect(headings).toEqual(Array.from({ length: 3 * TRIOS }, (_, i) => [i + 1, i]));
  });

  it('Markdown (a table, then each session): the same bytes as the whole document, to standard output and a file', async () => {
    const expected = renderPcapMarkdown(whole);
    expect(expected).toContain(`## Sessions (${3 * TRIOS})`);
    expect(expected).toContain(`| [${3 * TRIOS}](#session-${3 * TRIOS}) | `);
    expect(expected).toMatch(new RegExp(`### Session 2\\n\\n192\\.0\\.2\\.10:20001 → `));
    const r = await runMain('pcap', capture, '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    const out = join(dir, 'nested.md');
    expect((await runMain('pcap', capture, '--format', 'markdown', '--output', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });

  it('--redact: the pieces are redacted as the whole document would be, with the map saved', async () => {
    const map = join(dir, 'nested.map.json');
    const out = join(dir, 'nested.redacted.md');
    const r = await runMain('pcap', capture, '--format', 'markdown', '--redact', '--map', map, '--output', out);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('fabrikam.com');
    expect(text).toBe(redactReport(renderPcapMarkdown(whole), RedactionMap.parse(readFileSync(map, 'utf8'))));
  });

  it('HTML keeps only the sessions the page lists: the same page as one built from every session', async () => {
    // The page lists the first MAX_SESSIONS sessions by first packet and counts all of them; the
    // capture has more, ending in another order than they began, so the kept ones must be chosen.
    expect(3 * TRIOS).toBeGreaterThan(MAX_SESSIONS);
    const at = '2026-11-20T10:00:00Z';
    const out = join(dir, 'nested.html');
    const r = await runMain('pcap', capture, '--format', 'html', '--at', at, '--output', out);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(pcapHtml(whole, new Date(at)));
  });
});

describe('FirstSessions', () => {
  const session = (first: number) => ({ packets: { first, last: first, count: 1 } }) as CapturedSession;
  it('keeps the first sessions by first packet, whatever order they end in, and counts all', () => {
    const keeper = new FirstSessions(3);
    for (const first of [90, 10, 70, 30, 50, 20, 80, 40, 60, 5]) keeper.add(session(first));
    expect(keeper.total).toBe(10);
    expect(keeper.sessions().map((s) => s.packets.first)).toEqual([5, 10, 20]);
  });
});

describe('numbered', () => {
  it('fills only the places left for the number: a NUL the capture holds stays as it is', () => {
    const row = `\n| [${SESSION_NUMBER}](#session-${SESSION_NUMBER}) | EHLO x${SESSION_NUMBER}y |`;
    expect(numbered(row, 12, 2)).toBe(`\n| [12](#session-12) | EHLO x${SESSION_NUMBER}y |`);
    expect(numbered(`### Session ${SESSION_NUMBER}\n\nC: ${SESSION_NUMBER}`, 3, 1)).toBe(`### Session 3\n\nC: ${SESSION_NUMBER}`);
  });
});
