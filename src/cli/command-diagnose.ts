import { diagnoseCase, diagnosisExitCode } from '../diagnose.js';
import { renderJson } from '../report/report-json.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderText } from '../report/render-text.js';
import { loadOrFail } from './load.js';
import { parseCommon } from './options.js';
import { emit, styleFor } from './output.js';

export async function diagnoseCommand(args: string[], defaults: { paths?: string[]; at?: Date } = {}): Promise<number> {
  const o = parseCommon(args);
  const paths = o.paths.length > 0 ? o.paths : defaults.paths ?? ['.'];
  const c = await loadOrFail(paths);
  const d = diagnoseCase(c, { at: o.atGiven ? o.at : defaults.at ?? o.at });
  const text = o.format === 'json' ? renderJson(d) : o.format === 'markdown' ? renderMarkdown(d) : renderText(d, styleFor(o.output));
  await emit(text, o.output);
  return diagnosisExitCode(d);
}
