import type { DecodedMessage } from '../model/message-headers.js';
import { readHeaderFile } from '../ingest/headers/read-header-file.js';
import type { InputReport } from '../model/diagnostics.js';
import { headersToJson } from '../report/render-headers-json.js';
import { renderHeadersText } from '../report/render-headers.js';
import { renderHeadersMarkdown } from '../report/render-evidence-markdown.js';
import { InputError } from './input-error.js';
import { parseCommon, REPORT_OPTIONS, UsageError } from './options.js';
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
  const messages: DecodedMessage[] = [];
  const inputs: InputReport[] = [];
  const progress = o.format === 'json' ? undefined : terminalProgress();
  for (const file of o.paths) inputs.push(await readHeaderFile(file, (m) => messages.push(m), progress));
  const diagnostics = inputs.flatMap((r) => r.diagnostics);
  if (messages.length === 0) throw new InputError(diagnostics.map((d) => d.message).join('\n') || 'no message headers found');
  for (const d of diagnostics) process.stderr.write(`${d.severity}: ${d.message}\n`);
  const text =
    o.format === 'json' ? headersToJson(messages) : o.format === 'html' ? (await import('../report/html/build.js')).headersHtml(messages, inputs, o.at) : o.format === 'markdown' ? renderHeadersMarkdown(messages) : renderHeadersText(messages, styleFor(o.output));
  await emit(text, o);
  return 0;
}
