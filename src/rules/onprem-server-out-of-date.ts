import { EXCHANGE_BUILD_NUMBERS_URL, type BaselineRow } from '../data/exchange-server-baseline.js';
import type { FlowResult } from '../engine/flow-types.js';
import { parseExchangeVersion } from '../engine/exchange-version.js';
import { baselineMissed, buildText, familyRowAt, judgeServer, OUT_OF_DATE_BLOCKED, OUT_OF_DATE_THROTTLED, requiredUpdate, serverReportOf, type ServerJudgement } from '../engine/server-enforcement.js';
import type { ExchangeServer, Organization, Tenant } from '../model/case.js';
import type { HeaderMessageObservation } from '../model/evidence.js';
import { isExchangeOnlineHost } from '../model/domains.js';
import { serverByName } from '../engine/send-routing.js';
import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding, FindingSubject, FixStep, Severity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { evidenceOf } from './support/evidence.js';
import { EMS, EXO } from './support/fix-commands.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';
import { statusEvidence, statusSpan, statusSubjects, withStatusEvidence } from './support/status-finding.js';

/**
 * EXO-SEMANTICS M12 [PV23][BASE26]: Exchange Online reports, throttles (450 4.7.230) and then
 * blocks (550 5.7.230) on-premises servers below its baseline that hand it mail over an OnPremises
 * connector. The table of builds is src/data/exchange-server-baseline.ts; the judgement at `--at`
 * is src/engine/server-enforcement.ts. Evidence: 4.7.230 / 5.7.230 statuses, and a `Received:`
 * header whose `id` names a build below the baseline on the hop that handed mail to EOP.
 */

const REFERENCES = [
  'https://techcommunity.microsoft.com/blog/exchange/throttling-and-blocking-email-from-persistently-vulnerable-exchange-servers-to-exchange-online/3815328',
  'https://techcommunity.microsoft.com/blog/exchange/exchange-20162019-throttling-and-blocking-up-to-the-final-public-update-baseline/4552717',
  EXCHANGE_BUILD_NUMBERS_URL,
];

interface ServerUse {
  org: Organization;
  server: ExchangeServer;
  tenant: Tenant;
  judgement: ServerJudgement;
  flows: FlowResult[];
  failing: FlowResult[];
}

const CHECK_BUILD: FixStep = {
  text: 'Read the exact build with the security update level on the server (AdminDisplayVersion shows the cumulative update only): Get-Command ExSetup | ForEach-Object { $_.FileVersionInfo } in the Exchange Management Shell.',
};

function fixFor(use: ServerUse, row: BaselineRow): FixStep[] {
  return [
    { text: `Update ${use.server.Name} (${use.org.Name}) to ${requiredUpdate(row)}(build numbers and downloads: see the references). Until then, its mail to Exchange Online can go through another server that meets the baseline.`, where: EMS },
    CHECK_BUILD,
    {
      text: `To gain time, pause the enforcement in Exchange Online PowerShell (at most 90 days a year; it resumes at the same stage): New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer -NumberOfDays with the days needed; check it with Get-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer.`,
    },
    { text: `See what Exchange Online reports for the tenant's servers.`, command: 'Get-OnPremServerReportInfo', where: EXO },
  ];
}

function collect(ctx: RuleContext): ServerUse[] {
  const uses = new Map<ExchangeServer, ServerUse>();
  for (const f of ctx.simulation.flows) {
    for (const hop of f.hops) {
      const s = hop.sender;
      const r = hop.eop?.result;
      if (s.type !== 'send-connector' || !r || r.outcome !== 'accepted' || !r.tenant || r.connector?.ConnectorType !== 'OnPremises') continue;
      let use = uses.get(s.server);
      if (!use) {
        use = { org: s.org, server: s.server, tenant: r.tenant, judgement: judgeServer(s.server, ctx.at, serverReportOf(r.tenant)), flows: [], failing: [] };
        uses.set(s.server, use);
      }
      // A flow passes a server's hop at most a few times: checking the last one listed is enough (flows are walked in order).
      if (use.flows[use.flows.length - 1] !== f) use.flows.push(f);
      const last = f.hops[f.hops.length - 1] === hop;
      if (last && (f.response === OUT_OF_DATE_THROTTLED || f.response === OUT_OF_DATE_BLOCKED) && use.failing[use.failing.length - 1] !== f) use.failing.push(f);
    }
  }
  // Configuration: servers that a send connector names as source for a smart host in Exchange
  // Online, in a case whose tenant has an OnPremises connector, are judged even when no simulated
  // flow reaches Exchange Online through them (another fault may stop the mail earlier).
  let hybridTenants: HybridTenants | null = null;
  for (const org of ctx.case.organizations) {
    for (const c of org.SendConnectors) {
      if (!c.Enabled || c.DNSRoutingEnabled || !c.SmartHosts.some((h) => isExchangeOnlineHost(h))) continue;
      hybridTenants ??= hybridTenantsOf(ctx);
      const tenant = tenantFor(hybridTenants, c.AddressSpaces.map((a) => a.Domain));
      if (!tenant) continue;
      for (const name of c.SourceTransportServers) {
        const server = serverByName(org, name);
        if (!server || uses.has(server)) continue;
        uses.set(server, { org, server, tenant, judgement: judgeServer(server, ctx.at, serverReportOf(tenant)), flows: [], failing: [] });
      }
    }
  }
  return [...uses.values()];
}

/** The tenants with an enabled OnPremises connector, and which of them accepts each domain (the first, in case order). */
interface HybridTenants {
  candidates: Tenant[];
  byDomain: Map<string, { tenant: Tenant; order: number }>;
}

/** Built once per run: a provider's case has thousands of organizations, each with a hybrid send connector, and as many tenants. */
function hybridTenantsOf(ctx: RuleContext): HybridTenants {
  const candidates = ctx.case.tenants.filter((t) => t.InboundConnectors.some((c) => c.Enabled && c.ConnectorType === 'OnPremises'));
  const byDomain = new Map<string, { tenant: Tenant; order: number }>();
  candidates.forEach((tenant, order) => {
    for (const d of tenant.AcceptedDomains) if (!byDomain.has(d.DomainName)) byDomain.set(d.DomainName, { tenant, order });
  });
  return { candidates, byDomain };
}

/** The tenant a hybrid send connector delivers to: one accepting its address space with an OnPremises connector, else the only such tenant. */
function tenantFor(hybrid: HybridTenants, domains: readonly string[]): Tenant | null {
  // The first candidate (in case order) accepting any of the domains, as a scan of the candidates would find.
  let best: { tenant: Tenant; order: number } | null = null;
  for (const d of domains) {
    const hit = hybrid.byDomain.get(d);
    if (hit && (best === null || hit.order < best.order)) best = hit;
  }
  return best?.tenant ?? (hybrid.candidates.length === 1 ? hybrid.candidates[0]! : null);
}

function simulationFinding(rule: Rule, ctx: RuleContext, use: ServerUse): Finding | null {
  const j = use.judgement;
  if (j.kind !== 'out-of-date' && j.kind !== 'su-unknown') return null;
  const server = use.server;
  const subjects: FindingSubject[] = [{ type: 'ExchangeServer', name: server.Name, organization: use.org.Name }, ...use.failing.map(flowSubject)];
  const date = ctx.at.toISOString().slice(0, 10);
  const flowsText = use.flows.length > 0 ? use.flows.slice(0, 3).map(flowName).join(', ') + (use.flows.length > 3 ? ', …' : '') : 'no simulated flow reaches Exchange Online through it yet';
  let severity: Severity = rule.severity;
  let message: string;
  if (j.kind === 'su-unknown') {
    severity = 'warning';
    message = `${server.Name} (${use.org.Name}) hands mail to Exchange Online (over an OnPremises connector) and shows ${buildText(j.build)} in AdminDisplayVersion — the cumulative update the baseline valid on ${date} needs, but AdminDisplayVersion does not show security updates. Unless it runs ${j.row.minimumLabel} (build ${j.row.minimumBuild}), Exchange Online throttles (450 4.7.230) and then blocks (550 5.7.230) its mail (${flowsText}).`;
  } else {
    const outcome =
      j.stage === 'blocked'
        ? `blocked: its mail is rejected with "${OUT_OF_DATE_BLOCKED}"`
        : j.stage === 'throttled'
          ? `throttled: its mail is deferred with "${OUT_OF_DATE_THROTTLED}" and stays in its queue until it expires${j.stageFrom === 'model-default' ? ' (the stage is assumed: without Get-OnPremServerReportInfo the day of first detection is unknown; from day 70 the server is blocked)' : ''}`
          : 'in the report-only window: its mail is still accepted, throttling starts 30 days after first detection';
    if (j.stage === 'report-only') severity = 'warning';
    const stageSource = j.stageFrom === 'report' ? ' (Get-OnPremServerReportInfo)' : j.stageFrom === 'version-blocked' ? ` (every build of this version since ${j.row.since})` : '';
    message = `${server.Name} (${use.org.Name}, ${buildText(j.build)}) hands mail to Exchange Online (over an OnPremises connector) and is below the baseline valid on ${date}: ${requiredUpdate(j.row)}. Exchange Online has it ${outcome}${stageSource}. Flows: ${flowsText}.`;
  }
  const evidence: Evidence[] = [
    { source: formatSource(server.provenance), text: `AdminDisplayVersion: ${server.AdminDisplayVersion ?? '(none)'}` },
    ...use.failing.slice(0, 3).map((f) => ({ source: 'simulation', text: `${flowName(f)} → ${f.outcome} ${f.response}` })),
  ];
  if (j.kind === 'out-of-date' && j.report) evidence.push({ source: 'Get-OnPremServerReportInfo', text: `${j.report.ServerFQDN}: Build ${j.report.Build ?? '?'}, FirstDetectedDate ${j.report.FirstDetectedDate ?? '?'}, ThrottleEnabledDate ${j.report.ThrottleEnabledDate ?? '?'}, BlockingEnabledDate ${j.report.BlockingEnabledDate ?? '?'}` });
  return { rule: rule.id, severity, title: rule.title, message, subjects, evidence, fix: j.kind === 'su-unknown' ? [CHECK_BUILD, ...fixFor(use, j.row).filter((s) => s !== CHECK_BUILD)] : fixFor(use, j.row), references: REFERENCES };
}

/** The on-premises (or Edge) hop right before the first Exchange Online hop, with its build below the baseline. */
function headerHopsBelow(messages: readonly HeaderMessageObservation[], at: Date): { m: HeaderMessageObservation; by: string; build: string; row: BaselineRow }[] {
  const out: { m: HeaderMessageObservation; by: string; build: string; row: BaselineRow }[] = [];
  for (const m of messages) {
    const i = m.hops.findIndex((h) => h.kind === 'exchange-online');
    if (i < 1) continue;
    const h = m.hops[i - 1]!;
    if (h.kind !== 'exchange-on-premises' && h.kind !== 'exchange-edge') continue;
    const build = parseExchangeVersion(h.serverBuild ?? null);
    const row = build ? baselineMissed(build, at) : null;
    if (build && row) out.push({ m, by: h.by ?? '(unnamed server)', build: buildText(build), row });
  }
  return out;
}

/** The 2016 and 2019 baselines in force, in words (from the table, so a raised baseline shows here). */
function baselineText(at: Date): string {
  const rows = (['2016', '2019'] as const).map((f) => familyRowAt(f, at)).filter((r): r is BaselineRow => r !== null);
  return [...rows.map(requiredUpdate), 'Exchange 2007, 2010 and 2013 are blocked at any build'].join('; ');
}

export const rule: Rule = {
  id: 'onprem-server-out-of-date',
  title: 'An out-of-date Exchange server hands mail to Exchange Online',
  severity: 'error',
  description: 'Exchange Online throttles (450 4.7.230) and then blocks (550 5.7.230) on-premises Exchange servers below its baseline that send to it over an OnPremises connector.',
  run(ctx: RuleContext): Finding[] {
    const findings = collect(ctx)
      .map((u) => simulationFinding(this, ctx, u))
      .filter((f): f is Finding => f !== null);
    const statuses = statusesForRule(ctx.case, this.id);
    const headers = headerHopsBelow(evidenceOf(ctx.case).messages, ctx.at);
    const headerEvidence: Evidence[] = headers.slice(0, 5).map((x) => ({ source: formatSource(x.m.source), text: `Received: … by ${x.by} … id ${x.build} (the hop before Exchange Online), below ${requiredUpdate(x.row)}` }));
    const error = findings.findIndex((f) => f.severity === 'error');
    if (error >= 0 || (findings.length > 0 && statuses.length + headers.length > 0)) {
      const at = error >= 0 ? error : 0;
      const f = withStatusEvidence(findings[at]!, statuses);
      findings[at] = { ...f, evidence: [...f.evidence, ...headerEvidence] };
      return findings;
    }
    if (statuses.length === 0 && headers.length === 0) return findings;
    const servers = [...new Set(headers.map((x) => `${x.by} (${x.build})`))];
    const parts: string[] = [];
    if (statuses.length > 0) parts.push(`${statusSpan(statuses)} deferred or rejected with 4.7.230 / 5.7.230 "Connecting Exchange server version is out-of-date"`);
    if (servers.length > 0) parts.push(`message headers show ${servers.slice(0, 3).join(', ')} handing mail to Exchange Online below the baseline valid on ${ctx.at.toISOString().slice(0, 10)} (${requiredUpdate(headers[0]!.row)})`);
    return [
      ...findings,
      {
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `${parts.join('; ')}. Exchange Online reports, throttles and then blocks on-premises servers below its baseline that send to it over an OnPremises connector; the server that hands mail to Exchange Online (Mailbox or Edge) must be updated.`,
        subjects: servers.length > 0 ? servers.slice(0, 10).map((s) => ({ type: 'ExchangeServer', name: s.replace(/ \(.*$/, '') })) : statusSubjects(statuses, '4.7.230/5.7.230 out-of-date server'),
        evidence: [...statusEvidence(statuses), ...headerEvidence],
        fix: [
          { text: 'See which servers Exchange Online reports as out of date, with the dates of throttling and blocking and the recommended builds.', command: 'Get-OnPremServerReportInfo', where: EXO },
          { text: `Install the updates the baseline valid on ${ctx.at.toISOString().slice(0, 10)} needs — ${baselineText(ctx.at)} (build numbers: see the references).`, where: EMS },
          CHECK_BUILD,
        ],
        references: REFERENCES,
      },
    ];
  },
};
