import { incompleteExitCode } from '../diagnose.js';
import { simulateCase } from '../engine/simulate.js';
import { incompleteInputs } from '../ingest/input-completeness.js';
import { flowToJson } from '../report/report-json.js';
import { markdownFlowRow } from '../report/render-markdown.js';
import { renderFlow } from '../report/render-text.js';
import { loadOrFail } from './load.js';
import { allowsIncomplete, CASE_OPTIONS, parseCommon, UsageError } from './options.js';
import { emit, styleFor } from './output.js';

/** `simulate PATH… --from ADDR --to ADDR [--origin NAME] [--destination NAME]`: one message, every decision. */
export async function simulateCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { from: { type: 'string' }, to: { type: 'string' }, origin: { type: 'string' }, destination: { type: 'string' }, ...CASE_OPTIONS });
  const from = o.values.from as string | undefined;
  const to = o.values.to as string | undefined;
  if (!from || !to || !from.includes('@') || !to.includes('@')) throw new UsageError('simulate needs --from ADDRESS and --to ADDRESS (e.g. --from alice@contoso.com --to bob@fabrikam.com).');
  const c = await loadOrFail(o.paths.length > 0 ? o.paths : ['.']);
  const spec = { From: from, To: to, Origin: (o.values.origin as string | undefined) ?? null, Destination: (o.values.destination as string | undefined) ?? null, Expect: null, provenance: { file: '(command line)' } };
  const run = simulateCase({ ...c, flows: [spec] }, { at: o.at });
  const incomplete = incompleteInputs(c);
  let text: string;
  if (o.format === 'json') {
    text = JSON.stringify({ schema: 'mailflow-doctor/simulate@1', at: o.at.toISOString(), inputs: c.inputs, flows: run.flows.map(flowToJson), incomplete }, null, 2) + '\n';
  } else if (o.format === 'markdown') {
    text = ['| from | to | origin | outcome | tenants | anomalies |', '| --- | --- | --- | --- | --- | --- |', ...run.flows.map(markdownFlowRow), ''].join('\n');
  } else {
    const s = styleFor(o.output);
    const lines: string[] = [];
    for (const f of run.flows) {
      // Each hop with the decisions that led to it and, at Exchange Online, the attribution trace.
      const [title, ...rest] = renderFlow(f, s);
      lines.push(title!);
      f.hops.forEach((h, i) => {
        lines.push(rest[i]!);
        for (const d of h.decisions) lines.push(`        - ${d}`);
        if (h.eop) for (const t of h.eop.result.trace) lines.push(`        • ${t}`);
      });
      lines.push(...rest.slice(f.hops.length), '');
    }
    text = lines.join('\n');
  }
  if (incomplete && o.format === 'markdown') text = `> **${incomplete.message}**\n\n${text}`;
  else if (incomplete && o.format !== 'json') text = `${incomplete.message}\n\n${text}`;
  await emit(text, o.output);
  // A walk through part of the case is no all-clear: never exit 0 (the output opens with it, JSON carries `incomplete`).
  return allowsIncomplete(o) ? 0 : incompleteExitCode(incomplete, 0);
}
