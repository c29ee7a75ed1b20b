import type { Case, FlowSpec } from '../../model/case.js';
import { certificateLabel } from '../../model/certificate.js';
import type { FlowResult } from '../../engine/flow-types.js';
import type { SimulationRun } from '../../engine/simulate.js';
import type { Finding } from '../finding.js';
import { flowName } from './flow-subject.js';

/**
 * The part of an estate a fix is verified on. A provider's estate holds thousands of tenants;
 * a fix to one connector can only change flows that pass the objects it touches, so the
 * verification simulates the tenants, organizations and gateways named by the finding, the flows
 * through them, and everything those flows pass — not the whole estate.
 */
export interface FixScope {
  /** Identifies the scope, for caching its simulation. */
  key: string;
  case: Case;
  /** The flows to simulate before and after (the diagnosis's own specs, generated ones included). */
  specs: FlowSpec[];
}

/** Estates up to this many tenants, organizations and gateways are verified whole. */
const WHOLE_CASE_LIMIT = 40;
/** Beyond this many objects the second widening (flows of the flows' objects) is skipped. */
const WIDEN_LIMIT = 60;
/** …and when it would bring in more flows than this (a shared gateway carrying every customer). */
const WIDEN_FLOW_LIMIT = 400;
/** At most this many flows in one scope. */
const SCOPE_FLOW_LIMIT = 1000;

type EntityKey = string;
const tenantKey = (n: string): EntityKey => `t:${n.toLowerCase()}`;
const orgKey = (n: string): EntityKey => `o:${n.toLowerCase()}`;
const gatewayKey = (n: string): EntityKey => `g:${n.toLowerCase()}`;

function entitiesOf(f: FlowResult): EntityKey[] {
  const out = new Set<EntityKey>();
  for (const end of [f.origin, f.destination]) if (end) for (const k of [tenantKey(end), orgKey(end), gatewayKey(end)]) out.add(k);
  // Outside tenants are labels, not objects of the case: every customer's mail to one outside
  // domain would otherwise join one scope.
  for (const t of f.tenants) if (!t.startsWith('(')) out.add(tenantKey(t));
  for (const h of f.hops) {
    const s = h.sender;
    if (s.type === 'send-connector') out.add(orgKey(s.org.Name));
    else if (s.type === 'gateway-route') out.add(gatewayKey(s.gateway.Name));
    else if (s.type === 'exchange-online') out.add(tenantKey(s.tenant.Name));
    if (h.eop?.result.tenant) out.add(tenantKey(h.eop.result.tenant.Name));
  }
  return [...out];
}

/** Indexes of one diagnosis, built once and shared by every finding's scope. */
export class ScopeIndex {
  private readonly byEntity = new Map<EntityKey, FlowResult[]>();
  private readonly byName = new Map<string, FlowResult[]>();
  private readonly messages: FlowResult[];
  readonly whole: boolean;

  constructor(
    private readonly c: Case,
    private readonly simulation: SimulationRun,
  ) {
    this.messages = simulation.flows.filter((f) => f.parent === null);
    this.whole = c.tenants.length + c.organizations.length + c.gateways.length <= WHOLE_CASE_LIMIT;
    if (this.whole) return;
    for (const f of this.messages) {
      for (const k of entitiesOf(f)) push(this.byEntity, k, f);
      push(this.byName, flowName(f), f);
    }
  }

  /** The DNS the diagnosis simulated with (generated outside domains' MX included). */
  private dns(): Case['dns'] {
    return this.simulation.context.dns;
  }

  scopeFor(finding: Finding): FixScope {
    // The flows to simulate travel separately (specs): a copy of the case made for each change must not carry the estate's whole flow list.
    const base: Case = { ...this.c, dns: this.dns(), flows: [], inputs: [], evidence: undefined };
    if (this.whole) return { key: '*', case: base, specs: this.messages.map((f) => f.spec) };
    const seeds = this.seeds(finding);
    // A hub (one gateway for every customer) would bring in the whole estate: the scope keeps a bounded sample of its flows.
    let flows = this.flowsTouching(seeds).slice(0, SCOPE_FLOW_LIMIT);
    let entities = new Set([...seeds, ...flows.flatMap(entitiesOf)]);
    if (entities.size <= WIDEN_LIMIT) {
      const wider = this.flowsTouching(entities);
      if (wider.length <= WIDEN_FLOW_LIMIT) {
        flows = wider;
        entities = new Set([...entities, ...flows.flatMap(entitiesOf)]);
      }
    }
    // Looked up by key, in the case's order: a scope costs its own size, not the estate's.
    const pick = <T>(list: readonly T[], key: (x: T) => EntityKey): T[] => {
      const found = new Set<number>();
      for (const k of entities) for (const i of this.positions(list, key).get(k) ?? []) found.add(i);
      return [...found].sort((x, y) => x - y).map((i) => list[i]!);
    };
    const tenants = pick(this.c.tenants, (t) => tenantKey(t.Name));
    const organizations = pick(this.c.organizations, (o) => orgKey(o.Name));
    const gateways = pick(this.c.gateways, (g) => gatewayKey(g.Name));
    const thumbprints = new Set<string>();
    const servers = new Set<string>();
    for (const o of organizations) {
      for (const s of o.Servers) {
        for (const t of s.Certificates) thumbprints.add(t);
        servers.add(s.Name.toLowerCase());
        if (s.Fqdn) servers.add(s.Fqdn.toLowerCase());
      }
    }
    for (const g of gateways) for (const x of [...g.Nodes, ...g.Routes]) if (x.Certificate) thumbprints.add(x.Certificate);
    const certKey = (cert: Case['certificates'][number]): EntityKey[] => [`c:${cert.Thumbprint}`, ...(cert.Server ? [`s:${cert.Server.toLowerCase()}`, `s:${cert.Server.toLowerCase().split('.')[0]!}`] : [])];
    const certIndex = this.positionsMulti(this.c.certificates, certKey);
    const chosen = new Set<number>();
    for (const k of [...[...thumbprints].map((t) => `c:${t}`), ...[...servers].map((n) => `s:${n}`)]) for (const i of certIndex.get(k) ?? []) chosen.add(i);
    const certificates = [...chosen].sort((x, y) => x - y).map((i) => this.c.certificates[i]!);
    const key = [...entities].sort().join('|');
    const specs = flows.map((f) => f.spec);
    return { key, case: { ...base, tenants, organizations, gateways, certificates, dns: this.trimmedDns(specs, tenants, organizations) }, specs };
  }

  /**
   * MX records of the domains the scope's flows and objects use: a provider's DNS holds one entry
   * per customer domain, and every simulation (and every change applied) copies it.
   */
  private trimmedDns(specs: FlowSpec[], tenants: Case['tenants'], organizations: Case['organizations']): Case['dns'] {
    const all = this.dns();
    const domains = new Set<string>();
    for (const s of specs) for (const a of [s.From, s.To]) domains.add(a.slice(a.lastIndexOf('@') + 1).toLowerCase());
    for (const x of [...tenants, ...organizations]) for (const d of x.AcceptedDomains) domains.add(d.DomainName.toLowerCase());
    const MX: Record<string, string[]> = {};
    for (const d of domains) if (all.MX[d]) MX[d] = all.MX[d];
    // Addresses of the hosts those records, the smart hosts and the servers name.
    const hosts = new Set<string>(Object.values(MX).flat());
    for (const t of tenants) for (const o of t.OutboundConnectors) for (const h of o.SmartHosts) hosts.add(h);
    for (const o of organizations) {
      for (const sc of o.SendConnectors) for (const h of sc.SmartHosts) hosts.add(h);
      for (const sv of o.Servers) if (sv.Fqdn) hosts.add(sv.Fqdn);
    }
    for (const g of this.c.gateways) for (const r of g.Routes) for (const h of r.SmartHosts) hosts.add(h);
    const A: Record<string, string[]> = {};
    for (const h of hosts) {
      const k = h.toLowerCase().replace(/\.$/, '');
      if (all.A[k]) A[k] = all.A[k];
    }
    return { MX, A };
  }

  private readonly indexes = new Map<readonly unknown[], Map<EntityKey, number[]>>();

  /** Positions of a list's items by key, built once per list. */
  private positions<T>(list: readonly T[], key: (x: T) => EntityKey): Map<EntityKey, number[]> {
    return this.positionsMulti(list, (x) => [key(x)]);
  }

  private positionsMulti<T>(list: readonly T[], keys: (x: T) => EntityKey[]): Map<EntityKey, number[]> {
    let map = this.indexes.get(list);
    if (!map) {
      map = new Map();
      list.forEach((x, i) => {
        for (const k of keys(x)) push(map!, k, i);
      });
      this.indexes.set(list, map);
    }
    return map;
  }

  private flowsTouching(entities: ReadonlySet<EntityKey> | readonly EntityKey[]): FlowResult[] {
    const out = new Set<FlowResult>();
    for (const k of entities) for (const f of this.byEntity.get(k) ?? []) out.add(f);
    return [...out];
  }

  /** The objects a finding names: its subjects' tenants, organizations and gateways, its flows' objects, its certificates' holders. */
  private seeds(finding: Finding): Set<EntityKey> {
    const out = new Set<EntityKey>();
    for (const s of finding.subjects) {
      if (s.tenant) out.add(tenantKey(s.tenant));
      if (s.organization) out.add(orgKey(s.organization));
      if (s.gateway) out.add(gatewayKey(s.gateway));
      if (s.type === 'Tenant') out.add(tenantKey(s.name));
      if (s.type === 'Organization') out.add(orgKey(s.name));
      if (s.type === 'Gateway') out.add(gatewayKey(s.name));
      if (s.type === 'Flow') for (const f of this.byName.get(s.name) ?? []) for (const k of entitiesOf(f)) out.add(k);
      if (s.type === 'Certificate') for (const k of this.holdersOf(s.name)) out.add(k);
    }
    return out;
  }

  private holdersOf(label: string): EntityKey[] {
    const thumbprints = new Set(this.c.certificates.filter((c) => certificateLabel(c) === label).map((c) => c.Thumbprint));
    const out: EntityKey[] = [];
    for (const o of this.c.organizations) if (o.Servers.some((s) => s.Certificates.some((t) => thumbprints.has(t)))) out.push(orgKey(o.Name));
    for (const g of this.c.gateways) if ([...g.Nodes, ...g.Routes].some((x) => x.Certificate && thumbprints.has(x.Certificate))) out.push(gatewayKey(g.Name));
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}
