import { renderWhatIfJson, renderWhatIfMarkdown, renderWhatIfText } from '../report/render-whatif.js';
import { whatIf, whatIfExitCode } from '../whatif.js';
import { loadOrFail } from './load.js';
import { parseCommon, UsageError } from './options.js';
import { emit, styleFor } from './output.js';

/** `whatif PATH… --change 'CMDLET …' [--change …]`. */
export async function whatIfCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { change: { type: 'string', multiple: true } });
  const changes = (o.values.change as string[] | undefined) ?? [];
  if (changes.length === 0) throw new UsageError(`whatif needs at least one --change 'CMDLET …' (e.g. --change 'Set-InboundConnector -Identity "X" -Enabled $false').`);
  const c = await loadOrFail(o.paths.length > 0 ? o.paths : ['.']);
  const r = whatIf(c, changes, { at: o.at });
  const text = o.format === 'json' ? renderWhatIfJson(r) : o.format === 'markdown' ? renderWhatIfMarkdown(r) : renderWhatIfText(r, styleFor(o.output));
  await emit(text, o.output);
  return whatIfExitCode(r);
}
