import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHeaderFile } from '../../src/ingest/headers/read-header-file.js';
import type { DecodedMessage } from '../../src/model/message-headers.js';
import { headersToJson } from '../../src/report/render-headers-json.js';
import { renderHeadersText } from '../../src/report/render-headers.js';
import { renderHeadersMarkdown } from '../../src/report/render-evidence-markdown.js';
import { PLAIN } from '../../src/report/style.js';
import { TextSpool } from '../../src/cli/text-spool.js';
import { runMain } from './in-process.js';

// The project's rule: never crash on a large input, in bounded memory. `headers` writes text, JSON
// and Markdown as the messages are read; the document must be the one the whole-document
// renderers give, byte for byte, whatever the number of messages.
const COPIES = 1500;

describe('headers written as it is read', () => {
  let dir: string;
  let mbox: string;
  let messages: DecodedMessage[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'headers-stream-'));
    mbox = join(dir, 'many.mbox');
    // Many messages built here (no large committed fixture): the three-message mbox, repeated.
    const three = readFileSync('test/fixtures/headers/three-messages.mbox', 'utf8');
    writeFileSync(mbox, (three.endsWith('\n') ? three : `${three}\n`).repeat(COPIES));
    messages = [];
    await readHeaderFile(mbox, (m) => messages.push(m));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('JSON: the same bytes as the whole document, every message in it (several written pieces)', async () => {
    const out = join(dir, 'many.json');
    const r = await runMain('headers', mbox, '--format', 'json', '--output', out);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.length).toBeGreaterThan(4 * (1 << 18));
    const parsed = JSON.parse(text) as { messageId: string }[];
    expect(parsed).toHaveLength(3 * COPIES);
    expect(parsed[3 * COPIES - 1]!.messageId).toBe('<mbox-3@fabrikam.com>');
    expect(text).toBe(headersToJson(messages));
  });

  it('JSON to standard output: the same bytes', async () => {
    const r = await runMain('headers', mbox, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(headersToJson(messages));
  });

  it('text and Markdown (whose head counts the messages): the same bytes as the whole document', async () => {
    const text = await runMain('headers', mbox, '--format', 'text', '--output', join(dir, 'many.txt'));
    expect(text.code).toBe(0);
    expect(readFileSync(join(dir, 'many.txt'), 'utf8')).toBe(renderHeadersText(messages, PLAIN));
    const md = await runMain('headers', mbox, '--format', 'markdown');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`**${3 * COPIES} message(s).**`);
    expect(md.stdout).toBe(renderHeadersMarkdown(messages));
  });

  it('no message found: exit 2, the file named on stderr, and nothing written (no --output file created)', async () => {
    for (const format of ['json', 'text', 'markdown']) {
      const out = join(dir, `none.${format}`);
      const r = await runMain('headers', 'test/fixtures/headers/empty.eml', 'test/fixtures/headers/garbage.bin', '--format', format, '--output', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('empty.eml');
      expect(r.stderr).toContain('garbage.bin');
      expect(existsSync(out)).toBe(false);
      const toStdout = await runMain('headers', 'test/fixtures/headers/empty.eml', '--format', format);
      expect(toStdout.code).toBe(2);
      expect(toStdout.stdout).toBe('');
    }
  });

  it('a file without messages among others is named on stderr; the report holds the others', async () => {
    const r = await runMain('headers', 'test/fixtures/headers/empty.eml', mbox, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('empty.eml');
    expect(r.stdout).toBe(headersToJson(messages));
  });
});

describe('TextSpool', () => {
  it('gives back its texts in order, past the point where it moves them to a temporary file', () => {
    const spool = new TextSpool();
    const texts = Array.from({ length: 40 }, (_, i) => `${i}: ${'é€x'.repeat(100_000 + i)}\n`);
    try {
      for (const t of texts) spool.add(t);
      expect([...spool.all()]).toEqual(texts);
    } finally {
      spool.close();
    }
  });
});
