import type { InputReport } from '../../model/diagnostics.js';
import type { StatusObservation } from '../../model/evidence.js';
import type { DiagnosticLog } from './diagnostic-log.js';
import { EventGrouper } from './event-grouping.js';
import { FORMAT_TITLES, isEventFormat, traceLayout, type TraceField, type TraceLayout } from './trace-columns.js';
import type { TraceMessage } from './trace-message.js';
import { enhancedSummaryMessages, newRowContext, summaryMessage, type RowContext, type TraceRow } from './trace-rows.js';
import { traceEventStatuses } from './trace-statuses.js';

/**
 * Turns the rows (CSV) or objects (JSON) of one trace file into messages: summary formats give
 * one per row (or per recipient of an enhanced-summary row), event formats go through the
 * EventGrouper. Counts what it skips, with the line, in the file's report.
 */
export class TraceConsumer {
  stopped = false;
  private ctx: RowContext | null = null;
  private grouper: EventGrouper | null = null;
  private readonly jsonLayouts = new Map<string, TraceLayout | null>();
  private lastJsonNames: string[] | null = null;
  private lastJsonLayout: TraceLayout | null = null;
  private readonly unit: string;

  constructor(
    private readonly file: string,
    syntax: 'csv' | 'json',
    private readonly log: DiagnosticLog,
    readonly report: InputReport & { format: string | null; messages: number },
    private readonly onMessage: (m: TraceMessage) => void,
    private readonly window: number,
    private readonly onStatus: ((o: StatusObservation) => void) | null = null,
    private readonly observationOnly = false,
  ) {
    this.unit = syntax === 'csv' ? 'row' : 'object';
  }

  private readonly emit = (m: TraceMessage): void => {
    this.report.messages++;
    this.onMessage(m);
  };

  /** The CSV header: the layout for the rows that follow, or null (and reading stops) when it is no trace. */
  header(names: string[], line: number): TraceLayout | null {
    const layout = traceLayout(names);
    if (!layout) {
      this.fatal(line, `not a message-trace header (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})`);
      return null;
    }
    this.use(layout);
    return layout;
  }

  private use(layout: TraceLayout): void {
    if (this.ctx !== null && this.ctx.format === layout.format) return;
    if (this.ctx !== null) {
      this.log.add('warning', null, `objects of two trace formats in one file (${FORMAT_TITLES[this.ctx.format]}, ${FORMAT_TITLES[layout.format]}); each is read as its own`);
      this.grouper?.flush();
    }
    this.report.format ??= layout.format;
    this.ctx = newRowContext(this.file, layout.format, this.observationOnly);
    this.grouper = isEventFormat(layout.format) ? new EventGrouper(this.ctx, this.emit, this.window, this.onStatus) : null;
  }

  row(row: TraceRow, line: number): void {
    const ctx = this.ctx!;
    if (this.grouper) this.grouper.add(row, line);
    else if (ctx.format === 'enhanced-summary') for (const m of enhancedSummaryMessages(row, line, ctx)) this.emit(m);
    else {
      const m = summaryMessage(row, line, ctx);
      if (this.onStatus && m.status !== null && !DELIVERED.test(m.status)) this.summaryStatuses(m, row.get('detail'));
      this.emit(m);
    }
  }

  /** A summary row's status text (`Detail`), for a message that was not delivered. */
  private summaryStatuses(m: TraceMessage, detail: string | null): void {
    if (detail === null) return;
    const found = traceEventStatuses(detail, null, {
      origin: 'message-trace',
      at: m.at,
      sender: m.sender,
      recipient: m.recipient,
      connector: m.outboundConnector,
      remoteHost: null,
      remoteIp: null,
      clientIp: m.clientIp,
      tenantId: m.tenantId,
      source: m.source,
    });
    for (const o of found) this.onStatus!(o);
  }

  jsonObject(o: Record<string, unknown>, line: number): void {
    const names = Object.keys(o);
    let layout: TraceLayout | null | undefined;
    // The objects of one export share their property names: compared with the last object's
    // (JSON.parse gives the same string for the same name) before a lookup by the joined names.
    const last = this.lastJsonNames;
    if (last !== null && last.length === names.length && sameNames(last, names)) layout = this.lastJsonLayout;
    else {
      const key = names.join('\u0000');
      layout = this.jsonLayouts.get(key);
      if (layout === undefined) {
        layout = traceLayout(names);
        if (this.jsonLayouts.size < 64) this.jsonLayouts.set(key, layout);
      }
      this.lastJsonNames = names;
      this.lastJsonLayout = layout;
    }
    if (!layout) {
      this.skip(line, `an object without message-trace properties (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})`);
      return;
    }
    this.use(layout);
    const l = layout;
    this.row({ get: (field: TraceField) => jsonValue(o, l.names[field]) }, line);
  }

  skip(line: number, reason: string): void {
    this.report.skipped++;
    this.log.add('error', line, `${this.unit} skipped: ${reason}`);
  }

  fatal(line: number, reason: string): void {
    this.log.add('error', line, reason);
    this.stopped = true;
  }

  finish(): void {
    const g = this.grouper;
    g?.flush();
    if (this.ctx === null && !this.stopped) this.log.add('error', null, 'no header row: the file holds no message-trace rows');
    if (g && g.lateRows > 0) {
      this.log.add(
        'warning',
        g.firstLateLine,
        `${g.lateRows} event row${g.lateRows === 1 ? '' : 's'} (the first here) belonged to messages already reported: their events were more than ${this.window} messages apart in the file, so their status may be incomplete; they were not counted again`,
      );
    }
    if (g && g.recipientsNotKept > 0) this.log.add('warning', null, `${g.recipientsNotKept} recipients of very large messages were not reported (at most 1000 per message)`);
    if (this.ctx?.dates.guessed && this.ctx.dates.slashOrder === null) {
      this.log.add('warning', null, 'dates such as 04/03/2025 09:15:02 were read as day/month/year (a 24-hour clock, and no date in the file shows the order); export with ConvertTo-Json or check the exporting computer\'s culture');
    }
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Summary statuses that say the message arrived: nothing to recognise. */
const DELIVERED = /^(?:delivered|expanded|received|resolved)$/i;

/** A JSON property as text: dates (`/Date(…)/`, ISO, or the 5.1 `{ value, DateTime }` wrapper), numbers, strings. */
function jsonValue(o: Record<string, unknown>, name: string | undefined): string | null {
  if (name === undefined) return null;
  let v = o[name];
  if (v && typeof v === 'object' && !Array.isArray(v) && 'value' in v) v = (v as Record<string, unknown>).value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => String(x)).join(';');
  return JSON.stringify(v);
}
