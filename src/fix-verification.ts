import type { Case, FlowSpec } from './model/case.js';
import { applyChanges, CmdletError, SUPPORTED_CMDLETS } from './engine/cmdlet-change.js';
import type { FlowResult } from './engine/flow-types.js';
import { generateFlows } from './engine/generate-flows.js';
import { simulateCase } from './engine/simulate.js';
import type { Finding, FixAlternative, FixCandidate, FixStep, FixVerification } from './rules/finding.js';
import { ruleContext, runRules } from './rules/index.js';
import { flowName } from './rules/support/flow-subject.js';
import { ScopeIndex, type FixScope } from './rules/support/fix-scope.js';
import type { SimulationRun } from './engine/simulate.js';
// The same finding / the same flow before and after a change, as the what-if matches them.
import { findingKey } from './whatif.js';
import { flowKey } from './whatif-flows.js';
import { flattenFindingTexts } from './rules/support/flat-texts.js';

/**
 * Fixes are proven before they are printed: every candidate fix a rule offers is applied, as the
 * cmdlets it prints, to a copy of (the relevant part of) the case and simulated. A candidate is
 * shown only when the finding goes away, no error finding is added and no flow that works today
 * gets worse; candidates with steps the simulator cannot apply (DNS, firewall, a certificate to
 * buy) are shown after the verified ones, marked "not verified". What-if semantics: src/whatif.ts.
 */

export interface VerifyOptions {
  at: Date;
  /** Simulations allowed per run (each before and after counts one). */
  maxSimulations?: number;
}

export const DEFAULT_MAX_SIMULATIONS = 80;

const SUPPORTED = new Set(SUPPORTED_CMDLETS.map((n) => n.toLowerCase()));
/** Reading cmdlets: a step that only checks, nothing to apply. */
const READ_ONLY = /^(get|test)-/i;

interface Simulated {
  flows: FlowResult[];
  findings: Finding[];
}

type Verdict = { kind: 'verified' | 'not-verified' | 'rejected'; text: string };

function cmdletOf(command: string): string {
  return command.trim().split(/\s+/)[0] ?? '';
}

/** The commands to simulate, or why a candidate cannot be simulated. */
function classify(c: FixCandidate): { commands: string[]; blocker: string | null } {
  const commands: string[] = [];
  for (const step of c.steps) {
    if (step.command) {
      const name = cmdletOf(step.command);
      if (READ_ONLY.test(name)) continue;
      if (!SUPPORTED.has(name.toLowerCase())) return { commands, blocker: `${name} cannot be simulated` };
      commands.push(step.command);
    } else if (step.where) {
      return { commands, blocker: `"${shorten(step.text)}" (${step.where}) cannot be simulated` };
    }
  }
  return { commands, blocker: null };
}

function shorten(text: string): string {
  return text.length > 90 ? `${text.slice(0, 87)}…` : text;
}

/** What got worse from before to after: flows that stop being delivered, or arrive anonymous instead of internal. */
function regressions(before: FlowResult[], after: FlowResult[]): string[] {
  const afterByKey = new Map(after.map((f) => [flowKey(f), f]));
  const out: string[] = [];
  for (const b of before) {
    if (b.outcome !== 'delivered') continue;
    const a = afterByKey.get(flowKey(b));
    // A journal report that exists only because of the fault disappears with it: resolved, not broken.
    if (!a) {
      if (b.kind !== 'journal-report') out.push(`${flowName(b)} no longer delivered`);
      continue;
    }
    if (a.outcome !== 'delivered') out.push(`${flowName(a)} becomes ${a.outcome}${a.response ? ` (${a.response})` : ''}`);
    else if (lastAuthAs(b) === 'Internal' && lastAuthAs(a) !== 'Internal' && ownMail(b)) out.push(`${flowName(a)} arrives ${lastAuthAs(a) ?? 'unauthenticated'} instead of Internal`);
  }
  return out;
}

/**
 * Whether the tenant the flow was last attributed to owns its sender domain: only then is losing
 * Internal a regression (M10). A foreign sender's mail that was Internal only because of the fault
 * (S1: attributed through an over-matching connector) arriving Anonymous is the fix working.
 */
function ownMail(f: FlowResult): boolean {
  const domain = f.from.slice(f.from.lastIndexOf('@') + 1).toLowerCase();
  for (let i = f.hops.length - 1; i >= 0; i--) {
    const tenant = f.hops[i]!.eop?.result.tenant;
    if (tenant) return tenant.AcceptedDomains.some((d) => d.DomainName.toLowerCase() === domain);
  }
  return true;
}

function lastAuthAs(f: FlowResult): string | null {
  for (let i = f.hops.length - 1; i >= 0; i--) if (f.hops[i]!.authAs) return f.hops[i]!.authAs;
  return null;
}

/**
 * Applies the commands as printed. A bare name that several tenants or organizations of the case
 * share is refused by the what-if as ambiguous, while the admin runs the command in one shell
 * (one organization or tenant): then it is applied as `Scope\Name`, the scope being the one the
 * finding's first subject belongs to.
 */
function applyScoped(c: Case, commands: string[], finding: Finding): Case {
  try {
    return applyChanges(c, commands).case;
  } catch (e) {
    const scope = finding.subjects[0]?.organization ?? finding.subjects[0]?.tenant;
    if (!(e instanceof CmdletError) || !scope || !/Qualify it/.test(e.message)) throw e;
    return applyChanges(c, commands.map((cmd) => qualifyIdentity(cmd, scope))).case;
  }
}

/** `-Identity Name` → `-Identity 'Scope\\Name'`, as the what-if takes an identity shared by several tenants or organizations. */
export function qualifyIdentity(command: string, scope: string): string {
  const m = /-Identity\s+('(?:[^']|'')*'|"[^"]*"|\S+)/.exec(command);
  if (!m) return command;
  const raw = m[1]!;
  const name = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw.startsWith('"') ? raw.slice(1, -1) : raw;
  if (name.includes('\\')) return command;
  const qualified = `'${`${scope}\\${name}`.replace(/'/g, "''")}'`;
  return command.slice(0, m.index) + `-Identity ${qualified}` + command.slice(m.index + m[0].length);
}

export class FixVerifier {
  private readonly index: ScopeIndex;
  private readonly before = new Map<string, { scope: FixScope; specs: FlowSpec[]; extraMx: Record<string, string[]>; result: Simulated }>();
  private readonly after = new Map<string, Simulated | CmdletError>();
  private simulations = 0;
  private readonly max: number;
  private readonly hasEvidence: boolean;
  capped = false;

  constructor(
    c: Case,
    simulation: SimulationRun,
    private readonly at: Date,
    maxSimulations = DEFAULT_MAX_SIMULATIONS,
  ) {
    this.index = new ScopeIndex(c, simulation);
    this.hasEvidence = c.evidence !== undefined;
    this.max = maxSimulations;
  }

  private simulate(c: Case, specs: FlowSpec[], extraMx: Record<string, string[]>): Simulated {
    this.simulations++;
    const simulation = simulateCase({ ...c, flows: specs }, { at: this.at, extraMx });
    return { flows: simulation.flows, findings: runRules(ruleContext(c, simulation)) };
  }

  private budgetLeft(n: number): boolean {
    if (this.simulations + n <= this.max) return true;
    this.capped = true;
    return false;
  }

  private beforeOf(finding: Finding): { scope: FixScope; specs: FlowSpec[]; extraMx: Record<string, string[]>; result: Simulated } | null {
    // Out of budget: not even the scope is worked out (it costs a walk over the finding's objects).
    if (this.simulations + 1 > this.max) {
      this.capped = true;
      return null;
    }
    const scope = this.index.scopeFor(finding);
    const cached = this.before.get(scope.key);
    if (cached) return cached;
    if (!this.budgetLeft(2)) return null;
    // Both sides simulate the same flows: the diagnosis's, or one generated set for the scope.
    const generated = scope.specs.length === 0 ? generateFlows(scope.case) : null;
    const entry = { scope, specs: generated?.flows ?? scope.specs, extraMx: generated?.extraMx ?? {}, result: null as unknown as Simulated };
    entry.result = this.simulate(scope.case, entry.specs, entry.extraMx);
    this.before.set(scope.key, entry);
    return entry;
  }

  verify(finding: Finding, c: FixCandidate): Verdict {
    const { commands, blocker } = classify(c);
    if (blocker) return { kind: 'not-verified', text: `not verified: ${blocker}` };
    if (commands.length === 0) return { kind: 'not-verified', text: 'not verified: advice without a change the simulator can apply' };
    const before = this.beforeOf(finding);
    if (!before) return { kind: 'not-verified', text: `not verified: the limit of ${this.max} simulations per run was reached` };
    const key = `${before.scope.key}\n${commands.join('\n')}`;
    let after = this.after.get(key);
    if (!after) {
      if (!this.budgetLeft(1)) return { kind: 'not-verified', text: `not verified: the limit of ${this.max} simulations per run was reached` };
      try {
        after = this.simulate(applyScoped(before.scope.case, commands, finding), before.specs, before.extraMx);
      } catch (e) {
        if (!(e instanceof CmdletError)) throw e;
        after = e;
      }
      this.after.set(key, after);
    }
    if (after instanceof CmdletError) return { kind: 'rejected', text: `the change cannot be applied: ${after.message.split('\n')[0]}` };
    const primary = findingKey(finding);
    const reproduced = before.result.findings.some((f) => findingKey(f) === primary);
    const beforeKeys = new Set(before.result.findings.map(findingKey));
    const added = after.findings.filter((f) => f.severity === 'error' && !beforeKeys.has(findingKey(f)) && findingKey(f) !== primary);
    const broken = regressions(before.result.flows, after.flows);
    const harm = [...added.map((f) => `adds ${f.rule} (${f.subjects[0]?.name ?? ''})`), ...broken];
    if (harm.length > 0) return { kind: 'rejected', text: harm.slice(0, 3).join('; ') + (harm.length > 3 ? `; and ${harm.length - 3} more` : '') };
    if (!reproduced) {
      const why = this.hasEvidence ? 'the finding rests on recorded evidence the simulation cannot replay' : 'the finding does not reappear when the part of the estate it concerns is simulated alone';
      return { kind: 'not-verified', text: `not verified: ${why}; simulated, the change breaks no flow and adds no error — confirm with a new trace, log or capture after the change` };
    }
    if (after.findings.some((f) => findingKey(f) === primary)) return { kind: 'rejected', text: `${finding.rule} remains` };
    const n = before.result.flows.length;
    return { kind: 'verified', text: `verified by simulation: resolves ${finding.rule} (${finding.subjects[0]?.name ?? ''}); no flow changes for the worse (${n} flow${n === 1 ? '' : 's'} simulated)` };
  }
}

const commandCount = (steps: FixStep[]): number => steps.filter((s) => s.command && !READ_ONLY.test(cmdletOf(s.command))).length;

/**
 * Verifies and ranks the candidates of one finding: verified ones first (fewer commands first,
 * else in the rule's order), then those that cannot be simulated; rejected ones are dropped.
 */
/**
 * The finding without `candidates`, with `changes` set: the object `{ ...rest, ...changes }` would
 * give (same keys, same order), built key by key. Object-rest plus spread gives V8 objects about
 * three times the size, and a diagnosis holds one copy per finding (an estate's tens of thousands).
 */
function verifiedCopy(finding: Finding, changes: Pick<Finding, 'fix' | 'fixVerification' | 'alternatives'> | null): Finding {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(finding)) if (key !== 'candidates') out[key] = finding[key as keyof Finding];
  if (changes) for (const key of Object.keys(changes)) out[key] = changes[key as keyof typeof changes];
  return out as unknown as Finding;
}

export function verifyFinding(verifier: FixVerifier, finding: Finding): Finding {
  const { candidates } = finding;
  const list = candidates && candidates.length > 0 ? candidates : finding.fix.length > 0 ? [{ steps: finding.fix }] : [];
  if (list.length === 0) return verifiedCopy(finding, null);
  const judged = list.map((c, i) => ({ c, i, v: verifier.verify(finding, c) }));
  const kept = judged
    .filter((j) => j.v.kind !== 'rejected')
    .sort((a, b) => (a.v.kind === 'verified' ? 0 : 1) - (b.v.kind === 'verified' ? 0 : 1) || (a.v.kind === 'verified' ? commandCount(a.c.steps) - commandCount(b.c.steps) : 0) || a.i - b.i);
  const status = (v: Verdict): FixVerification => ({ status: v.kind === 'verified' ? 'verified' : 'not-verified', text: v.text });
  if (kept.length === 0) {
    const why = judged.map((j) => `${j.c.steps.find((s) => s.command)?.command ?? 'the change'} — ${j.v.text}`).join('; ');
    const text = `No single change verified: the simulation rejected every candidate (${why}). Change the configuration by hand and check it with \`mailflow-doctor whatif\` before applying it.`;
    const advice = list[0]!.steps.filter((s) => !s.command && !s.where);
    return verifiedCopy(finding, { fix: [{ text }, ...advice], fixVerification: { status: 'not-verified', text: `not verified: ${why}` } });
  }
  const [best, ...others] = kept;
  const alternatives: FixAlternative[] = others.map((j) => ({ fix: j.c.steps, verification: status(j.v) }));
  return verifiedCopy(finding, { fix: best!.c.steps, fixVerification: status(best!.v), ...(alternatives.length > 0 ? { alternatives } : {}) });
}

/** Verifies every finding's fixes; returns the findings in the same order and a note when the simulation budget ran out. */
export function verifyFixes(c: Case, simulation: SimulationRun, findings: readonly Finding[], options: VerifyOptions): { findings: Finding[]; notes: string[] } {
  const verifier = new FixVerifier(c, simulation, options.at, options.maxSimulations);
  // Flat while young: see flattenFindingTexts (the verified copies' texts are new).
  const out = flattenFindingTexts(findings.map((f) => verifyFinding(verifier, f)));
  const notes = verifier.capped
    ? [`Fix verification stopped after ${options.maxSimulations ?? DEFAULT_MAX_SIMULATIONS} simulations; fixes marked "not verified: the limit … was reached" were not simulated (check them with \`mailflow-doctor whatif\`).`]
    : [];
  return { findings: out, notes };
}
