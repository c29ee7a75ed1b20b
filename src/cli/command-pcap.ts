import type { CapturedSession } from '../ingest/pcap/capture-model.js';
import { readCaptureFile } from '../ingest/pcap/read-capture-file.js';
import { pcapJsonParts, renderPcapText } from '../report/render-pcap.js';
import { parseCommon, UsageError } from './options.js';
import { emit, emitPieces, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

/** `pcap FILE [--keylog FILE]… --format text|json`: every SMTP session in a capture. */
export async function pcapCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { keylog: { type: 'string', multiple: true } }, ['text', 'json']);
  if (o.paths.length !== 1) throw new UsageError('pcap needs exactly one capture file (pcap or pcapng), e.g. mailflow-doctor pcap smtp.pcapng --keylog keys.log');
  const file = o.paths[0]!;
  const keyLogFiles = (o.values.keylog as string[] | undefined) ?? [];
  if (o.format !== 'json') {
    const result = await readCaptureFile(file, { keyLogFiles, progress: terminalProgress() });
    if (result.error !== null) return fail(result.error);
    await emit(renderPcapText(result, styleFor(o.output)), o.output);
    return 0;
  }
  // JSON for a capture of many sessions: each session is kept as its JSON text only (a fraction of
  // the objects' size), and the document is written in pieces rather than built as one string.
  const serialized: { first: number; json: string }[] = [];
  const onSession = (s: CapturedSession): void => {
    serialized.push({ first: s.packets.first, json: JSON.stringify(s, null, 2) });
  };
  const result = await readCaptureFile(file, { keyLogFiles, progress: terminalProgress(), onSession, keepSessions: false });
  if (result.error !== null) return fail(result.error);
  serialized.sort((a, b) => a.first - b.first);
  await emitPieces(pcapJsonParts(result, serialized.map((s) => s.json)), o.output);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`mailflow-doctor pcap: ${message}\n`);
  return 2;
}
