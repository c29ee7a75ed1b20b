import type { Case } from '../../model/case.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import { formatLocation, type Provenance } from '../../model/provenance.js';

/**
 * Cross-references that can only be judged once every input is merged (an organization's servers,
 * or the certificates they name, may come from another file). A broken reference is a warning
 * on the input that holds the referring object: the case is still usable, but a simulation
 * through that object will miss something.
 */
export function checkCaseReferences(c: Case): void {
  const thumbprints = new Set(c.certificates.map((x) => x.Thumbprint));
  const add = (where: Provenance, message: string): void => warnOn(c.inputs, where, message);

  for (const org of c.organizations) {
    const servers = new Set(org.Servers.map((s) => s.Name.toLowerCase()));
    for (const connector of org.SendConnectors) {
      for (const name of connector.SourceTransportServers) {
        if (!servers.has(name.toLowerCase())) {
          add(
            connector.provenance,
            `send connector "${connector.Name}" in organization "${org.Name}": SourceTransportServers names "${name}", which is not a server of this organization; mail through this connector cannot be simulated from it`,
          );
        }
      }
    }
    for (const server of org.Servers) {
      for (const t of server.Certificates) {
        if (!thumbprints.has(t)) {
          add(server.provenance, `server "${server.Name}" in organization "${org.Name}": certificate ${t} is not among the certificates of the case`);
        }
      }
    }
  }

  for (const gateway of c.gateways) {
    for (const node of gateway.Nodes) {
      if (node.Certificate && !thumbprints.has(node.Certificate)) {
        add(node.provenance, `gateway "${gateway.Name}" node "${node.Name}": certificate ${node.Certificate} is not among the certificates of the case`);
      }
    }
    for (const route of gateway.Routes) {
      if (route.Certificate && !thumbprints.has(route.Certificate)) {
        add(route.provenance, `gateway "${gateway.Name}" route "${route.Name}": certificate ${route.Certificate} is not among the certificates of the case`);
      }
    }
  }

  const places = new Set([...c.tenants.map((t) => t.Name.toLowerCase()), ...c.organizations.map((o) => o.Name.toLowerCase())]);
  for (const flow of c.flows) {
    for (const key of ['Origin', 'Destination'] as const) {
      const name = flow[key];
      if (name !== null && !places.has(name.toLowerCase())) {
        add(flow.provenance, `flow ${flow.From} → ${flow.To}: ${key} "${name}" names no tenant or organization of the case`);
      }
    }
  }
}

/** Adds the warning to the report of the file the object came from (the first report when none matches). */
function warnOn(inputs: InputReport[], where: Provenance, message: string): void {
  const report = inputs.find((r) => r.file === where.file) ?? inputs[0];
  if (!report) return;
  const d: Diagnostic = { severity: 'warning', location: formatLocation(where), message };
  report.diagnostics.push(d);
}
