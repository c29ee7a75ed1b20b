import { diagnoseCase, diagnosisExitCode } from '../diagnose.js';
import { renderJsonPieces } from '../report/report-json.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderText } from '../report/render-text.js';
import { loadOrFail } from './load.js';
import { allowsIncomplete, CASE_OPTIONS, parseCommon, REPORT_OPTIONS } from './options.js';
import { emit, emitPieces, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

export async function diagnoseCommand(args: string[], defaults: { paths?: string[]; at?: Date } = {}): Promise<number> {
  const o = parseCommon(args, { keylog: { type: 'string', multiple: true }, ...CASE_OPTIONS, ...REPORT_OPTIONS });
  const paths = o.paths.length > 0 ? o.paths : defaults.paths ?? ['.'];
  const c = await loadOrFail(paths, { keyLogFiles: (o.values.keylog as string[] | undefined) ?? [], progress: terminalProgress() });
  const d = diagnoseCase(c, { at: o.atGiven ? o.at : defaults.at ?? o.at });
  const target = { ...o, paths };
  const status = diagnosisExitCode(d, { allowIncomplete: allowsIncomplete(o) });
  // The JSON report is the diagnosis's last use: its findings and flows are let go as they are written.
  if (o.format === 'json') await emitPieces(renderJsonPieces(d, { release: true }), target);
  else if (o.format === 'html') await emit((await import('../report/html/build.js')).diagnoseHtml(d), target);
  else await emit(o.format === 'markdown' ? renderMarkdown(d) : renderText(d, styleFor(o.output, o)), target);
  return status;
}

