import type { FlowResult, Hop } from '../engine/flow-types.js';
import { simulateCase } from '../engine/simulate.js';
import type { Case } from '../model/case.js';
import { domainOf } from '../model/domains.js';
import type { ProbeResult } from './probe-types.js';
import type { ProbeVerdict } from './probe-verdict.js';

/**
 * `probe --case PATH`: the simulator's prediction for the same route (mail from --from to --to,
 * EXO-SEMANTICS M3/M4 at the Exchange Online hop) beside what the server answered. A
 * disagreement is worded as the `evidence-contradicts-model` rule words it: the estate as
 * exported is not the estate in use, so conclusions from the model alone are unsafe.
 */
export interface CaseComparison {
  lines: string[];
  json: {
    flow: string;
    predicted: { outcome: 'accepted' | 'rejected' | 'dropped' | 'not-via-exchange-online'; text: string; thumbprint: string | null } | null;
    observed: string;
    agrees: boolean | null;
    finding: { rule: 'evidence-contradicts-model'; severity: 'warning'; message: string } | null;
  };
}

/** The flow of the case between the two domains, else one simulated for the two addresses. */
export function routeFlow(c: Case, from: string, to: string, at: Date): FlowResult | null {
  const run = simulateCase(c, { at });
  const fromDomain = domainOf(from);
  const toDomain = domainOf(to);
  const same = run.flows.find((f) => f.kind === 'message' && domainOf(f.from) === fromDomain && domainOf(f.to) === toDomain);
  if (same) return same;
  const spec = { From: from, To: to, Origin: null, Destination: null, Expect: null, provenance: { file: '(probe --from/--to)' } };
  return simulateCase({ ...c, flows: [spec] }, { at }).flows[0] ?? null;
}

function firstExoHop(f: FlowResult): Hop | null {
  return f.hops.find((h) => h.eop !== null) ?? null;
}

function describe(h: Hop): string {
  const r = h.eop!.result;
  if (r.outcome !== 'accepted') return `${r.outcome} (${r.response ?? '550 5.7.64 TenantAttribution; Relay Access Denied'})`;
  const tenant = r.tenant?.Name ?? (r.outsideTenantDomain ? `an outside tenant (${r.outsideTenantDomain})` : 'no tenant');
  return `accepted: ${tenant}${r.connector ? ` via "${r.connector.Name}" (${r.connector.ConnectorType})` : ' without a connector (anonymous)'}`;
}

export function compareWithCase(flow: FlowResult | null, r: ProbeResult, v: ProbeVerdict, casePath: string): CaseComparison {
  const name = flow ? `${flow.from} → ${flow.to}` : '(no flow)';
  const observed = v.reply ? `${v.outcome} at ${v.reply.command} (${v.reply.code}${v.reply.enhanced ? ` ${v.reply.enhanced}` : ''})` : v.outcome;
  const hop = flow ? firstExoHop(flow) : null;
  const lines = [`Model (--case ${casePath}): flow ${name}`];
  if (!flow || !hop) {
    const text = flow ? `the simulated route does not reach Exchange Online (${flow.outcome}: ${flow.conclusion})` : 'the case yields no flow for these addresses';
    lines.push(`  simulation: ${text}`, `  probe: ${observed}`, '  no prediction at Exchange Online to compare with');
    return { lines, json: { flow: name, predicted: flow ? { outcome: 'not-via-exchange-online', text, thumbprint: null } : null, observed, agrees: null, finding: null } };
  }
  const predictedText = describe(hop);
  const predictedAccepted = hop.eop!.result.outcome === 'accepted';
  const answered = v.outcome === 'accepted' || v.outcome === 'refused' || v.outcome === 'deferred';
  const presented = r.tls?.clientCertificates?.[0]?.sha1 ?? (r.tls?.clientCertificates ? 'none' : null);
  const modelThumbprint = hop.presented.thumbprint;
  const disagreements: string[] = [];
  if (answered && (v.outcome === 'accepted') !== predictedAccepted) {
    disagreements.push(`The probe shows RCPT TO answered ${v.reply ? `"${v.reply.code}${v.reply.enhanced ? ` ${v.reply.enhanced}` : ''} ${v.reply.text.split('\n')[0]}"` : v.outcome} for mail from ${domainOf(flow!.from)} to ${domainOf(flow!.to)}, but the simulation of the estate predicts ${predictedText}.`);
  }
  if (presented !== null && modelThumbprint && presented !== 'none' && presented.toUpperCase() !== modelThumbprint.toUpperCase()) {
    disagreements.push(`The probe presented the certificate ${presented}, while the estate's sender for this route presents ${hop.presented.certificate ?? 'a certificate'} (${modelThumbprint}); the prediction holds for that certificate, not this one.`);
  }
  lines.push(`  simulation at ${hop.to}: ${predictedText}${modelThumbprint ? ` (the model presents ${modelThumbprint})` : ''}`, `  probe: ${observed}`);
  if (!answered) {
    lines.push('  the probe got no answer to compare with the prediction');
    return { lines, json: { flow: name, predicted: { outcome: hop.eop!.result.outcome, text: predictedText, thumbprint: modelThumbprint }, observed, agrees: null, finding: null } };
  }
  const finding =
    disagreements.length > 0
      ? {
          rule: 'evidence-contradicts-model' as const,
          severity: 'warning' as const,
          message: `${disagreements.join(' ')} The connectors, certificates or addresses in use are not what the exported configuration says; check the exports' dates and look for changes or devices in between.`,
        }
      : null;
  lines.push(finding ? `  warning evidence-contradicts-model: ${finding.message}` : '  the probe agrees with the model');
  return { lines, json: { flow: name, predicted: { outcome: hop.eop!.result.outcome, text: predictedText, thumbprint: modelThumbprint }, observed, agrees: finding === null, finding } };
}
