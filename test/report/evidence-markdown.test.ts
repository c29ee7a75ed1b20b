import { describe, expect, it } from 'vitest';
import type { DecodedMessage } from '../../src/ingest/headers/decode-message.js';
import { readHeaderFile } from '../../src/ingest/headers/read-header-file.js';
import { renderHeadersMarkdown } from '../../src/report/render-evidence-markdown.js';
import { renderHeadersText } from '../../src/report/render-headers.js';
import { PLAIN } from '../../src/report/style.js';

/**
 * `headers --format markdown` (issue 15 item 4: markdown for the evidence commands): the hop table
 * as a Markdown table with one row per Received hop, and the verdicts worded as the text report
 * words them. (The trace, logs and pcap renderers are tested through the CLI in test/cli/cli-manners.test.ts.)
 */
async function messagesOf(file: string): Promise<DecodedMessage[]> {
  const out: DecodedMessage[] = [];
  await readHeaderFile(file, (m) => out.push(m));
  return out;
}

describe('renderHeadersMarkdown', () => {
  it('cross-premises message through a gateway: one table row per hop, the verdicts as in text', async () => {
    const messages = await messagesOf('test/fixtures/headers/cross-premises-anonymous-gateway.eml');
    expect(messages).toHaveLength(1);
    const md = renderHeadersMarkdown(messages);
    const m = messages[0]!;
    expect(md).toMatch(/^# mailflow-doctor message headers\n/);
    expect(md).toContain('| # | from → by | with | IP | TLS | date | delay | kind |');
    const rows = md.split('\n').filter((l) => /^\| \d+ \| /.test(l));
    expect(rows).toHaveLength(m.hops.length);
    expect(rows[0]).toContain(`${m.hops[0]!.from ?? '?'} → ${m.hops[0]!.by ?? '?'}`);
    const text = renderHeadersText(messages, PLAIN);
    const internal = text.split('\n').find((l) => l.includes('Treated as internal:'))!.trim();
    expect(md).toContain(internal);
    expect(md).toMatch(/```text\nVerdicts\n/);
    expect(md).not.toContain('\nMeanings cite:\n```');
    expect(md).toContain('- [ASH] <https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo>');
  });
});
