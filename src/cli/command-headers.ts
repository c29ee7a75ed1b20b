import { getHeapStatistics } from 'node:v8';
import type { DecodedMessage } from '../model/message-headers.js';
import { readHeaderFile, STDIN_PATH } from '../ingest/headers/read-header-file.js';
import type { InputReport } from '../model/diagnostics.js';
import { HEADERS_JSON_PARTS } from '../report/render-headers-json.js';
import { headersTextParts } from '../report/render-headers.js';
import { HEADERS_MARKDOWN_PARTS } from '../report/render-evidence-markdown.js';
import { StreamedHeadersReport } from './headers-stream.js';
import { InputError } from './input-error.js';
import { parseCommon, REPORT_OPTIONS, UsageError, type CommonOptions } from './options.js';
import { emit, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

/**
 * `headers FILE… [--format text|json|markdown|html] [--redact [--map FILE]]`: each message's hops, verdicts and decoded Microsoft
 * headers. `-` reads standard input (headers pasted into a pipe). Files that yield no message are
 * named on stderr; exit 2 only when none yields one.
 */
export async function headersCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { ...REPORT_OPTIONS }, ['text', 'json', 'markdown', 'html']);
  if (o.paths.length === 0) throw new UsageError('headers needs at least one FILE (an .eml, an Outlook .msg, pasted headers in a text file, or an mbox; - reads standard input).');
  if (o.format === 'html') return headersPage(o);
  // Text, JSON and Markdown are written as the messages are read (headers-stream.ts): an mbox of
  // a million messages is as safe as one .eml.
  const parts = o.format === 'json' ? HEADERS_JSON_PARTS : o.format === 'markdown' ? HEADERS_MARKDOWN_PARTS : headersTextParts(styleFor(o.output));
  const report = new StreamedHeadersReport(parts, o);
  // Text on a terminal appears as it is read: a progress bar drawn on the same screen would tear it.
  const streamsToTerminal = o.output === null && process.stdout.isTTY === true && !parts.headNeedsCount;
  const progress = o.format === 'json' || streamsToTerminal ? undefined : terminalProgress();
  try {
    const inputs: InputReport[] = [];
    for (const file of o.paths) inputs.push(await readHeaderFile(file === STDIN_PATH ? file : report.pacedSource(file), (m) => report.add(m), progress));
    const diagnostics = inputs.flatMap((r) => r.diagnostics);
    if (report.messages === 0) throw new InputError(diagnostics.map((d) => d.message).join('\n') || 'no message headers found');
    for (const d of diagnostics) process.stderr.write(`${d.severity}: ${d.message}\n`);
    await report.finish();
  } finally {
    report.close();
  }
  return 0;
}

/**
 * A page is built whole from every message (it counts messages and hops and shows the first
 * ones). Rather than run out of memory on a huge mbox, the reading stops with a clear error once
 * the heap is this full: the streamed formats handle any number of messages.
 */
const PAGE_HEAP_SHARE = 0.7;
/** Messages read between two looks at the heap (a look costs microseconds). */
const HEAP_CHECK_EVERY = 1024;

async function headersPage(o: CommonOptions): Promise<number> {
  const messages: DecodedMessage[] = [];
  const inputs: InputReport[] = [];
  const keep = (m: DecodedMessage): void => {
    messages.push(m);
    if (messages.length % HEAP_CHECK_EVERY !== 0) return;
    const heap = getHeapStatistics();
    if (heap.used_heap_size > PAGE_HEAP_SHARE * heap.heap_size_limit) {
      throw new InputError(`${messages.length} messages read and memory is running out: too many for one HTML page, which is built whole. Use --format json, text or markdown: they are written as the messages are read, whatever their number.`);
    }
  };
  const progress = terminalProgress();
  for (const file of o.paths) inputs.push(await readHeaderFile(file, keep, progress));
  const diagnostics = inputs.flatMap((r) => r.diagnostics);
  if (messages.length === 0) throw new InputError(diagnostics.map((d) => d.message).join('\n') || 'no message headers found');
  for (const d of diagnostics) process.stderr.write(`${d.severity}: ${d.message}\n`);
  // The page builder is loaded only for a page.
  await emit((await import('../report/html/build.js')).headersHtml(messages, inputs, o.at), o);
  return 0;
}
