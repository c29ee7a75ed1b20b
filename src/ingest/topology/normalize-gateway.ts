import type { Gateway, GatewayNode, GatewayRoute } from '../../model/case.js';
import { markGiven } from '../../model/given-properties.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeObjectList } from './normalize-objects.js';
import { addressSpaceList, boolValue, extraProperties, has, hostList, ipList, textAt, thumbprintValue, writtenKeys, type Raw } from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

const GATEWAY_KEYS = ['Name', 'Nodes', 'Routes'] as const;

export function normalizeGateways(ctx: NormalizeContext, root: Raw): Gateway[] {
  return normalizeObjectList(ctx, root, 'gateways', [], {
    label: 'gateway',
    owner: 'this file',
    childKeys: ['Nodes', 'Routes'],
    build: (raw, path) => normalizeGateway(ctx, raw, path),
  });
}

function normalizeGateway(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): Gateway {
  const name = textAt(ctx, raw, 'Name', path) ?? '';
  const owner = `gateway "${name}"`;
  const g: Gateway = {
    Name: name,
    Nodes: normalizeObjectList(ctx, raw, 'Nodes', path, { label: 'node', owner, build: (item, p) => normalizeNode(ctx, item, p) }),
    Routes: normalizeObjectList(ctx, raw, 'Routes', path, {
      label: 'route',
      owner,
      identity: (item, p) => routeName(ctx, item, p),
      build: (item, p) => normalizeRoute(ctx, item, p),
    }),
    extra: extraProperties(ctx, raw, GATEWAY_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(g, writtenKeys(raw, GATEWAY_KEYS));
  return g;
}

const NODE_KEYS = ['Name', 'IPAddresses', 'Certificate'] as const;

function normalizeNode(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): GatewayNode {
  const n: GatewayNode = {
    Name: textAt(ctx, raw, 'Name', path)?.toLowerCase() ?? '',
    IPAddresses: ipList(raw, 'IPAddresses', path),
    Certificate: thumbprintValue(ctx, raw.Certificate, [...path, 'Certificate']),
    provenance: ctx.provenance(path),
  };
  markGiven(n, writtenKeys(raw, NODE_KEYS));
  return n;
}

const ROUTE_KEYS = ['Name', 'AddressSpaces', 'SmartHosts', 'DNSRoutingEnabled', 'Certificate'] as const;

/** Routes need no Name in the topology file; an unnamed route is called by its address spaces. */
function routeName(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): string {
  const given = textAt(ctx, raw, 'Name', path);
  if (given) return given;
  // Naming passes no context: the warnings for a bad address space come once, from the route itself.
  const spaces = addressSpaceList(null, raw, 'AddressSpaces', path).map((a) => a.Domain);
  const last = path[path.length - 1];
  return spaces.length > 0 ? spaces.join(', ') : `route ${typeof last === 'number' ? last + 1 : 1}`;
}

/** Like a send connector: DNS routing unless smart hosts are given. */
function normalizeRoute(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): GatewayRoute {
  const smartHosts = hostList(raw, 'SmartHosts', path);
  const r: GatewayRoute = {
    Name: routeName(ctx, raw, path),
    AddressSpaces: addressSpaceList(ctx, raw, 'AddressSpaces', path),
    SmartHosts: smartHosts,
    DNSRoutingEnabled: has(raw, 'DNSRoutingEnabled') ? boolValue(raw.DNSRoutingEnabled, smartHosts.length === 0) : smartHosts.length === 0,
    Certificate: thumbprintValue(ctx, raw.Certificate, [...path, 'Certificate']),
    provenance: ctx.provenance(path),
  };
  markGiven(r, writtenKeys(raw, ROUTE_KEYS));
  return r;
}
