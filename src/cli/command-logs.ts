import { open } from 'node:fs/promises';
import { exchangeLogTypeOfSample, readProtocolLog } from '../ingest/exchange-log/read-protocol-log.js';
import { readTrackingLog } from '../ingest/exchange-log/read-tracking-log.js';
import { listInputFiles } from '../ingest/walk-inputs.js';
import { countSession, emptySummary, renderLogsJson, renderLogsText, type LogsResult } from '../report/render-logs.js';
import { renderLogsMarkdown } from '../report/render-evidence-markdown.js';
import { parseCommon, REPORT_OPTIONS, UsageError } from './options.js';
import { emit, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

const DETECTION_BYTES = 64 * 1024;
const DEFAULT_LIMIT = 1000;

/**
 * `logs FILE|FOLDER… [--limit N] --format text|json|markdown|html`: the SMTP sessions rebuilt from Exchange
 * protocol logs (folders are walked, so a whole `ProtocolLog` tree can be given), with counts over
 * all of them; message tracking logs are read and counted. Sessions beyond --limit are counted,
 * not listed, so a folder of GBs prints in bounded memory.
 */
export async function logsCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { limit: { type: 'string' }, ...REPORT_OPTIONS }, ['text', 'json', 'markdown', 'html']);
  if (o.paths.length === 0) throw new UsageError('logs needs Exchange log files or folders, e.g. mailflow-doctor logs "C:\\Logs\\Hub\\ProtocolLog\\SmtpSend"');
  const limit = o.values.limit === undefined ? DEFAULT_LIMIT : Number(o.values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit must be a whole number (got "${String(o.values.limit)}").`);
  const listing = await listInputFiles(o.paths);
  if (listing.missing.length > 0) throw new UsageError(listing.missing.map((m) => `${m.path}: ${m.reason}`).join('; '));
  const result: LogsResult = { files: [], notLogs: [], sessions: [], sessionsTotal: 0, trackingEvents: 0, summary: emptySummary() };
  const progress = terminalProgress();
  for (const file of listing.files) {
    const type = await logType(file);
    if (type !== null && typeof type === 'object') {
      result.notLogs.push({ file, reason: type.error });
      continue;
    }
    if (type === null || type === 'other') {
      result.notLogs.push({ file, reason: 'not an Exchange protocol or message tracking log' });
      continue;
    }
    if (type === 'message-tracking') {
      result.files.push(await readTrackingLog(file, () => result.trackingEvents++, { progress }));
      continue;
    }
    const read = await readProtocolLog(
      file,
      (session) => {
        result.sessionsTotal++;
        countSession(result.summary, session);
        if (result.sessions.length < limit) result.sessions.push(session);
      },
      { progress },
    );
    result.files.push(read.report);
  }
  const text = o.format === 'json' ? renderLogsJson(result) : o.format === 'html' ? (await import('../report/html/build.js')).logsHtml(result, o.at) : o.format === 'markdown' ? renderLogsMarkdown(result) : renderLogsText(result, styleFor(o.output));
  await emit(text, o);
  const readable = result.files.some((f) => !f.diagnostics.some((d) => d.severity === 'error'));
  return readable ? 0 : 2;
}

async function logType(file: string): Promise<ReturnType<typeof exchangeLogTypeOfSample> | { error: string }> {
  try {
    const handle = await open(file, 'r');
    try {
      const sample = Buffer.alloc(DETECTION_BYTES);
      const { bytesRead } = await handle.read(sample, 0, DETECTION_BYTES, 0);
      return exchangeLogTypeOfSample(sample.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch (e) {
    return { error: `could not be read: ${(e as Error).message}` };
  }
}
