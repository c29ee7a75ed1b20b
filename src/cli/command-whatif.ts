import { incompleteExitCode } from '../diagnose.js';
import { renderWhatIfJson, renderWhatIfMarkdown, renderWhatIfText } from '../report/render-whatif.js';
import { whatIf, whatIfExitCode } from '../whatif.js';
import { loadOrFail } from './load.js';
import { allowsIncomplete, CASE_OPTIONS, parseCommon, REPORT_OPTIONS, UsageError } from './options.js';
import { emit, styleFor } from './output.js';

/** `whatif PATH… --change 'CMDLET …' [--change …] [--full]`. */
export async function whatIfCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { change: { type: 'string', multiple: true }, ...CASE_OPTIONS, ...REPORT_OPTIONS });
  const changes = (o.values.change as string[] | undefined) ?? [];
  if (changes.length === 0) throw new UsageError(`whatif needs at least one --change 'CMDLET …' (e.g. --change 'Set-InboundConnector -Identity "X" -Enabled $false').`);
  const paths = o.paths.length > 0 ? o.paths : ['.'];
  const c = await loadOrFail(paths);
  const r = whatIf(c, changes, { at: o.at });
  const text = o.format === 'json' ? renderWhatIfJson(r) : o.format === 'html' ? (await import('../report/html/build.js')).whatIfHtml(r) : o.format === 'markdown' ? renderWhatIfMarkdown(r) : renderWhatIfText(r, styleFor(o.output, o));
  await emit(text, { ...o, paths });
  // A prediction from part of the case is no all-clear: said on standard error, and never exit 0.
  const incomplete = r.before.incomplete ?? null;
  if (incomplete) process.stderr.write(`mailflow-doctor whatif: ${incomplete.message}\n`);
  const status = whatIfExitCode(r);
  return allowsIncomplete(o) ? status : incompleteExitCode(incomplete, status);
}
