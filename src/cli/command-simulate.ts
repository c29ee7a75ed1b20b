import { incompleteExitCode } from '../diagnose.js';
import { simulateCase } from '../engine/simulate.js';
import { incompleteInputs } from '../ingest/input-completeness.js';
import { flowToJson } from '../report/report-json.js';
import { markdownFlowRow } from '../report/render-markdown.js';
import { renderFlow } from '../report/render-text.js';
import { loadOrFail } from './load.js';
import type { Case } from '../model/case.js';
import { allowsIncomplete, CASE_OPTIONS, parseCommon, REPORT_OPTIONS, UsageError } from './options.js';
import { closestNames } from './suggest.js';
import { emit, styleFor } from './output.js';

/** `simulate PATH… --from ADDR --to ADDR [--origin NAME] [--destination NAME]`: one message, every decision. */
export async function simulateCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { from: { type: 'string' }, to: { type: 'string' }, origin: { type: 'string' }, destination: { type: 'string' }, ...CASE_OPTIONS, ...REPORT_OPTIONS });
  const from = o.values.from as string | undefined;
  const to = o.values.to as string | undefined;
  if (!from || !to || !from.includes('@') || !to.includes('@')) throw new UsageError('simulate needs --from ADDRESS and --to ADDRESS (e.g. --from alice@contoso.com --to bob@fabrikam.com).');
  const paths = o.paths.length > 0 ? o.paths : ['.'];
  const c = await loadOrFail(paths);
  const origin = knownPlace(c, '--origin', o.values.origin);
  const destination = knownPlace(c, '--destination', o.values.destination);
  const spec = { From: from, To: to, Origin: origin, Destination: destination, Expect: null, provenance: { file: '(command line)' } };
  const run = simulateCase({ ...c, flows: [spec] }, { at: o.at });
  const incomplete = incompleteInputs(c);
  let text: string;
  if (o.format === 'json') {
    text = JSON.stringify({ schema: 'mailflow-doctor/simulate@1', at: o.at.toISOString(), inputs: c.inputs, flows: run.flows.map(flowToJson), incomplete }, null, 2) + '\n';
  } else if (o.format === 'html') {
    text = (await import('../report/html/build.js')).simulateHtml({ schema: 'mailflow-doctor/simulate@1', at: o.at.toISOString(), inputs: c.inputs, flows: run.flows.map(flowToJson), incomplete }, c);
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
  else if (incomplete && o.format !== 'json' && o.format !== 'html') text = `${incomplete.message}\n\n${text}`;
  await emit(text, { ...o, paths });
  // A walk through part of the case is no all-clear: never exit 0 (the output opens with it, JSON carries `incomplete`).
  return allowsIncomplete(o) ? 0 : incompleteExitCode(incomplete, 0);
}

/**
 * `--origin`/`--destination` name the tenant or organization a mailbox is in (the engine's
 * findPlaceByName: a tenant's name or TenantId, an organization's name, case-insensitive). A name
 * the case does not hold is a usage error with the closest names: a topology's `Origin` that names
 * nothing falls back to the sender's domain with an assumption, but a name typed for this one run
 * that silently walks from elsewhere would answer a question the admin did not ask.
 */
function knownPlace(c: Case, option: string, value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const lower = value.toLowerCase();
  const places = [...c.tenants.map((t) => t.Name), ...c.organizations.map((x) => x.Name)];
  if (places.some((n) => n.toLowerCase() === lower) || c.tenants.some((t) => t.TenantId?.toLowerCase() === lower)) return value;
  const gateway = c.gateways.find((g) => g.Name.toLowerCase() === lower);
  if (gateway) throw new UsageError(`${option} "${value}" is a gateway; it relays mail but holds no mailbox. Name the tenant or organization the mailbox is in${places.length > 0 ? ` (${listed(places)})` : ''}.`);
  const close = closestNames(value, places);
  const hint = close.length > 0 ? ` Did you mean ${close.map((n) => `"${n}"`).join(' or ')}?` : places.length > 0 ? ` The case holds: ${listed(places)}.` : ' The case holds no tenant or organization.';
  throw new UsageError(`${option} "${value}" names no tenant or organization of the case.${hint}`);
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, 10).map((n) => `"${n}"`).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}
