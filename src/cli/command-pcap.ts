import { readCaptureFile } from '../ingest/pcap/read-capture-file.js';
import { renderPcapJson, renderPcapText } from '../report/render-pcap.js';
import { parseCommon, UsageError } from './options.js';
import { emit, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

/** `pcap FILE [--keylog FILE]… --format text|json`: every SMTP session in a capture. */
export async function pcapCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { keylog: { type: 'string', multiple: true } }, ['text', 'json']);
  if (o.paths.length !== 1) throw new UsageError('pcap needs exactly one capture file (pcap or pcapng), e.g. mailflow-doctor pcap smtp.pcapng --keylog keys.log');
  const file = o.paths[0]!;
  const result = await readCaptureFile(file, { keyLogFiles: (o.values.keylog as string[] | undefined) ?? [], progress: terminalProgress() });
  if (result.error !== null) {
    process.stderr.write(`mailflow-doctor pcap: ${result.error}\n`);
    return 2;
  }
  await emit(o.format === 'json' ? renderPcapJson(result) : renderPcapText(result, styleFor(o.output)), o.output);
  return 0;
}
