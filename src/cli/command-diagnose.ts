import { diagnoseCase, diagnosisExitCode } from '../diagnose.js';
import { renderJson } from '../report/report-json.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderText } from '../report/render-text.js';
import { loadOrFail } from './load.js';
import { parseCommon } from './options.js';
import { emit, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

export async function diagnoseCommand(args: string[], defaults: { paths?: string[]; at?: Date } = {}): Promise<number> {
  const o = parseCommon(args, { keylog: { type: 'string', multiple: true } });
  const paths = o.paths.length > 0 ? o.paths : defaults.paths ?? ['.'];
  const c = await loadOrFail(paths, { keyLogFiles: (o.values.keylog as string[] | undefined) ?? [], progress: terminalProgress() });
  const d = diagnoseCase(c, { at: o.atGiven ? o.at : defaults.at ?? o.at });
  const text = o.format === 'json' ? renderJson(d) : o.format === 'markdown' ? renderMarkdown(d) : renderText(d, styleFor(o.output));
  await emit(text, o.output);
  return diagnosisExitCode(d);
}
