import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';
import { factsFromTshark } from './support/expected.js';
import { labUnavailable, recordLab } from './support/lab.js';
import { opensslCipherNames, tsharkSessions } from './support/tshark.js';

/**
 * Re-records the real-software capture fixtures (test/fixtures/pcap/real/) and their manifest,
 * which holds tshark's reading of each file in the `pcap --format json` contract's terms, so
 * reader tests and the benchmark can use real captures where tshark and Postfix are absent.
 * Run on purpose only: RECORD_PCAP_FIXTURES=1 npx vitest run test/integration/record-fixtures.test.ts
 */
const OUT = join(ROOT, 'test/fixtures/pcap/real');
const enabled = process.env.RECORD_PCAP_FIXTURES === '1' && labUnavailable() === null;

describe.skipIf(!enabled)('real-software capture fixtures (RECORD_PCAP_FIXTURES=1)', () => {
  it('records them', async () => {
    const lab = await recordLab();
    try {
      // The captures, keys and manifest are replaced; README.md stays.
      mkdirSync(OUT, { recursive: true });
      for (const name of readdirSync(OUT)) if (/\.(pcap|pcapng|keys|json)$/.test(name)) rmSync(join(OUT, name));
      const names = await opensslCipherNames();
      const manifest: Record<string, unknown>[] = [];
      for (const capture of lab.captures) {
        if (capture.format === 'pcapng') continue; // all-dsb is the same pcapng with the keys inside
        const ext = capture.format === 'pcapng-dsb' ? 'pcapng' : 'pcap';
        const file = `${capture.name}.${ext}`;
        copyFileSync(capture.file, join(OUT, file));
        const keylog = capture.keylog ? `${capture.name}.keys` : null;
        if (capture.keylog && keylog) copyFileSync(capture.keylog, join(OUT, keylog));
        const sessions = await tsharkSessions(capture.file, { smtp: lab.port, smtps: lab.smtpsPort }, capture.keylog);
        expect(sessions).toHaveLength(capture.sessions.length);
        manifest.push({
          file,
          format: capture.format,
          keylog,
          packets: capture.captured,
          sessions: sessions.map((t, i) => {
            const session = capture.sessions[i]!;
            return { label: session.label, ...factsFromTshark(t, session.keylog && (keylog !== null || capture.format === 'pcapng-dsb'), names) };
          }),
        });
      }
      writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ smtpPort: lab.port, smtpsPort: lab.smtpsPort, captures: manifest }, null, 2) + '\n');
    } finally {
      await lab.close();
    }
  }, 180_000);
});
