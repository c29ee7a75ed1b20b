import type { FlowSpec, Organization, Tenant } from '../model/case.js';
import { DBEB_RECOGNISES_DDG_MEPF_FROM, LATE_DBEB_TYPES, recipientDirectory, recipientLives, type Presence } from '../model/recipients.js';
import type { AdmissionCheck, AdmissionResult } from './exo-admission.js';
import { rejected } from './hop-failure.js';
import type { SimulationContext } from './simulation-context.js';

/**
 * The recipient directory in the flow walk (EXO-SEMANTICS M11). Without any `Recipients` in the
 * case and without `RecipientExists: false`, every address exists (v1 behaviour, nothing here
 * changes a verdict). With a side's list, an address missing there does not exist on that side;
 * a side without a list is never judged — an assumption line says what to add.
 */

/** DBEB at the perimeter [DBEB][NDRLIST] (NDR-CATALOG "Recipients"). */
export const DBEB_RESPONSE = '550 5.4.1 Recipient address rejected: Access denied';
/** Exchange Server's counterpart of 5.1.10 (NDR-CATALOG "Recipients"). */
export const ONPREM_RECIPIENT_NOT_FOUND = '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found';

type Owner = Tenant | Organization;

function ownerLabel(ctx: SimulationContext, owner: Owner): string {
  return ctx.case.tenants.includes(owner as Tenant) ? owner.Name : `${owner.Name} (on-premises)`;
}

/** The address as the flow writes it and, when a hybrid route rewrote the domain, as RCPT TO carries it. */
export function rcptAddresses(to: string, rcptDomain: string): string[] {
  const at = to.lastIndexOf('@');
  const local = at >= 0 ? to.slice(0, at) : to;
  const domain = at >= 0 ? to.slice(at + 1) : '';
  return domain === rcptDomain ? [to] : [to, `${local}@${rcptDomain}`];
}

/**
 * Flows generated for a case without `flows` (generate-flows.ts) use made-up addresses (alice@,
 * bob@): no directory lists them, so judging them would report failures of names nobody uses.
 */
export function isMadeUpRecipient(spec: FlowSpec): boolean {
  return spec.provenance.file === '(generated)' && spec.RecipientExists !== false;
}

/**
 * What `owner` knows about the flow's recipient. `RecipientExists: false` makes it missing
 * everywhere. A side without a list is `unknown`; when another side of the case has a list, the
 * flow says so in its assumptions (the data for this side would decide).
 */
export function recipientPresence(ctx: SimulationContext, spec: FlowSpec, owner: Owner, rcptDomain: string, assumptions: string[]): Presence {
  if (spec.RecipientExists === false) return { state: 'missing' };
  const directory = recipientDirectory(ctx.case);
  if (!directory.hasAnyData || isMadeUpRecipient(spec)) return { state: 'unknown' };
  const presence = directory.presence(owner, ...rcptAddresses(spec.To, rcptDomain));
  if (presence.state === 'unknown') {
    const note = `assumed: ${spec.To} exists in the directory of ${ownerLabel(ctx, owner)} — the case lists recipients only for ${directory.sidesWithData.map((o) => ownerLabel(ctx, o)).join(', ')}; add Recipients (a Get-Recipient export) for ${owner.Name} to check it (M11)`;
    if (!assumptions.includes(note)) assumptions.push(note);
  }
  return presence;
}

/** Where the flow's recipient is listed as delivered (mailbox, group, public folder), when the case says. */
export function listedHomes(ctx: SimulationContext, spec: FlowSpec): Owner[] {
  const directory = recipientDirectory(ctx.case);
  if (!directory.hasAnyData || isMadeUpRecipient(spec)) return [];
  return directory
    .lookup(spec.To)
    .filter((e) => recipientLives(e.recipient) === 'here')
    .map((e) => e.owner);
}

/** Sides whose list settles that the recipient has no mailbox there (absent, or an object pointing elsewhere). */
export function sidesWithoutMailbox(ctx: SimulationContext, spec: FlowSpec): Set<Owner> {
  const out = new Set<Owner>();
  const directory = recipientDirectory(ctx.case);
  if (isMadeUpRecipient(spec)) return out;
  for (const owner of directory.sidesWithData) if (directory.presence(owner, spec.To).state !== 'here') out.add(owner);
  return out;
}

/**
 * Directory-Based Edge Blocking at the service perimeter (EXO-SEMANTICS M11, [DBEB]): Incoming
 * mail (attributed at M3 step 3, or inbound through a Partner connector) to an address the tenant's
 * directory lacks, in a domain that is Authoritative there, is refused at RCPT TO with 5.4.1.
 * InternalRelay turns DBEB off. Originating mail is not checked here [model]; the tenant answers
 * it with 5.1.10 (simulate-flow.ts).
 */
export const directoryCheckAtPerimeter: AdmissionCheck = ({ ctx, spec, result, rcptDomain }) => {
  if (result.direction !== 'inbound' || !result.tenant) return null;
  if (spec.RecipientExists !== false && !recipientDirectory(ctx.case).hasAnyData) return null;
  const tenant = result.tenant;
  const accepted = ctx.index.acceptedDomain(tenant, rcptDomain);
  if (!accepted) return null;
  const assumptions: string[] = [];
  const presence = recipientPresence(ctx, spec, tenant, rcptDomain, assumptions);
  const out: AdmissionResult = { decisions: [], assumptions, anomalies: [], failure: null };
  if (presence.state === 'unknown') return out;
  if (accepted.DomainType !== 'Authoritative') {
    if (presence.state === 'missing') out.decisions.push(`${rcptDomain} is ${accepted.DomainType} in ${tenant.Name}, so Directory-Based Edge Blocking does not apply: ${spec.To}, which is not in its directory, is accepted and routed on (M11).`);
    return out;
  }
  if (presence.state === 'missing') {
    out.failure = rejected(DBEB_RESPONSE, `${rcptDomain} is Authoritative in ${tenant.Name} and ${spec.To} is not in its directory${elsewhere(ctx, spec, tenant)}, so Directory-Based Edge Blocking rejects the message at RCPT TO (M11).`);
    return out;
  }
  const type = presence.recipient.RecipientTypeDetails;
  if (type !== null && LATE_DBEB_TYPES.test(type) && ctx.at < DBEB_RECOGNISES_DDG_MEPF_FROM) {
    out.failure = rejected(DBEB_RESPONSE, `${spec.To} is a ${type} in ${tenant.Name}; before June 2025 Directory-Based Edge Blocking did not recognise dynamic distribution groups and mail-enabled public folders and rejects it at RCPT TO (M11, [DBEB25]).`);
    return out;
  }
  out.decisions.push(`${spec.To} is in the directory of ${tenant.Name} (${type ?? 'listed'}), so Directory-Based Edge Blocking lets it in (M11).`);
  return out;
};

/** ` (it exists on premises in X only: not synchronised)` when another side of the case lists it. */
function elsewhere(ctx: SimulationContext, spec: FlowSpec, tenant: Tenant): string {
  if (spec.RecipientExists === false) return ' (the flow says it exists nowhere)';
  const others = recipientDirectory(ctx.case)
    .lookup(spec.To)
    .map((e) => e.owner)
    .filter((o) => o !== tenant);
  if (others.length === 0) return '';
  return ` (it exists in ${[...new Set(others)].map((o) => ownerLabel(ctx, o)).join(', ')} only: the object is not synchronised to the tenant)`;
}
