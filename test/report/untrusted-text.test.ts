import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../cli/in-process.js';
import { readCaptureFile } from '../../src/ingest/pcap/read-capture-file.js';
import { bytesSource } from '../../src/ingest/byte-source.js';
import { renderPcapMarkdown } from '../../src/report/render-evidence-markdown.js';
import { cell } from '../../src/report/render-markdown.js';
import { renderPcapText } from '../../src/report/render-pcap.js';
import { COLOR, PLAIN } from '../../src/report/style.js';
import { TextLines } from '../../src/report/text-lines.js';
import { visibleLine } from '../../src/report/visible-text.js';
import { Conversation, pcapFile } from '../ingest/pcap/capture-builder.js';

// What a peer sends (an SMTP banner, a reply, an EHLO name) or a log recorded from it ends up in
// the text and Markdown reports. ECMA-48 control functions (ESC [ … , OSC …) drive a terminal —
// clear the screen, move the cursor, rewrite earlier lines — and CR/LF start new lines: printed as
// they are, they forge report lines (CWE-150, CWE-117). They are shown escaped; the report's own
// colour codes (style.ts) stay.
const CONTROLS = /[\u0000-\u0009\u000b-\u001a\u001c-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;

describe('text from the input in text and Markdown reports', () => {
  it('visibleLine escapes control characters but keeps the report\'s own colour codes', () => {
    const line = `${COLOR.red('error')} banner: 220 ok\x1b[2J\x1b]0;pwned\x07 done\r\u202e`;
    const v = visibleLine(line);
    expect(v.startsWith('\x1b[31merror\x1b[0m banner: 220 ok\\x1b[2J\\x1b]0;pwned\\x07 done\\r\\u202e')).toBe(true);
    expect(v.replace(/\x1b\[(?:0|31)m/g, '')).not.toMatch(/[\x00-\x1f]/);
    expect(visibleLine('nothing to change')).toBe('nothing to change');
  });

  it('the diagnose text report (TextLines) shows an input\'s escape sequence escaped, and wraps the visible text', () => {
    const out = new TextLines(null).text(`   evidence: 421 4.3.2 \x1b[1A\x1b[2KVerdict: no findings`).raw('a\nb');
    expect(out.toString()).toBe('   evidence: 421 4.3.2 \\x1b[1A\\x1b[2KVerdict: no findings\na\\nb\n');
  });

  it('a Markdown table cell keeps its line breaks as spaces and escapes the rest', () => {
    expect(cell('550 a|b\nc\x1b[2Jd\re')).toBe('550 a\\|b c\\x1b[2Jd\\re');
  });

  it('trace: a subject carrying an escape sequence is shown escaped in the text report', async () => {
    const csv = '"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size","MessageId","MessageTraceId"\r\n' +
      '"2025-03-04 09:00:00","a@fabrikam.com","b@contoso.com","hello\x1b[2J\x1b]0;x\x07","Delivered","","192.0.2.1","1000","<m1@fabrikam.com>","11111111-1111-1111-1111-111111111111"\r\n';
    const dir = mkdtempSync(join(tmpdir(), 'mfd-trace-ctl-'));
    try {
      const file = join(dir, 'trace.csv');
      writeFileSync(file, csv);
      const r = await runMain('trace', file, '--list');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('hello\\x1b[2J\\x1b]0;x\\x07');
      expect(r.stdout).not.toContain('\x1b');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pcap: a banner and reply carrying escapes are shown escaped in the text and Markdown reports', async () => {
    const c = new Conversation({ ip: '192.0.2.10', port: 40001 }, { ip: '198.51.100.25', port: 25 })
      .server('220 mx.contoso.com ESMTP \x1b]0;owned\x07\x1b[2J\r\n')
      .client('EHLO client.fabrikam.com\r\n')
      .server('250 mx.contoso.com\r\n')
      .client('QUIT\r\n')
      .server('221 bye\x1b[1A\r\n')
      .close();
    const r = await readCaptureFile(bytesSource('evil.pcap', pcapFile(c.frames())));
    expect(r.sessions).toHaveLength(1);
    const text = renderPcapText(r, PLAIN);
    expect(text).toContain('S: 220 mx.contoso.com ESMTP \\x1b]0;owned\\x07\\x1b[2J');
    expect(text).not.toMatch(CONTROLS);
    expect(text).not.toContain('\x1b');
    const md = renderPcapMarkdown(r);
    expect(md).not.toContain('\x1b');
    expect(md).not.toMatch(CONTROLS);
  });
});
