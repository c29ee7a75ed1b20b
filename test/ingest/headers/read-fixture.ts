import { fileURLToPath } from 'node:url';
import type { DecodedMessage } from '../../../src/ingest/headers/decode-message.js';
import { readHeaderFile } from '../../../src/ingest/headers/read-header-file.js';
import type { InputReport } from '../../../src/model/diagnostics.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/headers/', import.meta.url));

export async function readFixture(nameOrPath: string): Promise<{ messages: DecodedMessage[]; report: InputReport }> {
  const messages: DecodedMessage[] = [];
  const path = nameOrPath.startsWith('/') ? nameOrPath : FIXTURES + nameOrPath;
  const report = await readHeaderFile(path, (m) => messages.push(m));
  return { messages, report };
}

/** A hop as the contract's fields, for compact expectations. */
export function hopRow(h: DecodedMessage['hops'][number]): unknown[] {
  return [h.from, h.by, h.with, h.ip, h.tls?.version ?? (h.tls ? 'tls' : null), h.tls?.cipher ?? null, h.date, h.delaySeconds, h.kind];
}

/** Microsoft headers as name → value. */
export function headerValues(m: DecodedMessage): Record<string, string> {
  return Object.fromEntries(m.microsoftHeaders.map((h) => [h.name, h.value]));
}
