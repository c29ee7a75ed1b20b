import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../../src/ingest/pcap/read-capture-file.js';
import { factsFromCli } from '../../integration/support/expected.js';

/**
 * Captures recorded from Postfix, swaks and openssl s_client (test/fixtures/pcap/real/), compared
 * with tshark's reading of the same files as stored in their manifest, field by field.
 */
const DIR = fileURLToPath(new URL('../../fixtures/pcap/real/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as {
  captures: { file: string; keylog: string | null; packets: number; sessions: ({ label: string } & Record<string, unknown>)[] }[];
};

describe('real-software captures read as tshark reads them', () => {
  for (const capture of manifest.captures) {
    it(capture.file, async () => {
      const r = await readCaptureFile(`${DIR}${capture.file}`, { keyLogFiles: capture.keylog ? [`${DIR}${capture.keylog}`] : [] });
      expect(r.error).toBeNull();
      expect(r.summary.packets).toBe(capture.packets);
      expect(r.summary.skipped).toBe(0);
      expect(r.sessions.map((s) => s.client).sort()).toEqual(capture.sessions.map((s) => s.client).sort());
      for (const { label, ...expected } of capture.sessions) {
        const found = r.sessions.find((s) => s.client === expected.client);
        expect(factsFromCli(JSON.parse(JSON.stringify(found))), `${capture.file} / ${label}`).toEqual(expected);
      }
    });
  }
});
