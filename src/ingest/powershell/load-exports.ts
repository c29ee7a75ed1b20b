import type { CaseMerger } from '../merge-case.js';
import type { TopologyReadResult } from '../topology/read-topology.js';
import { emptyHints, place, type Placement, type PlacementHints } from './placement.js';
import { mapExportFile, statedNames, type ExportFileRead, type MappedExport } from './read-export.js';

/** An export file read, and mapped already when nothing about it waits for the rest of the case. */
export interface PreparedExport {
  read: ExportFileRead;
  /** Tenant and organization names its objects state, for placing other files' objects. */
  stated: { tenants: string[]; organizations: string[] };
  mapped: MappedExport | null;
}

const NO_HINTS = emptyHints();

/**
 * Maps a file at once when every object in it says itself where it belongs (OrganizationalUnitRoot,
 * DistinguishedName, a certificate's Identity): placement could not come out otherwise, and the
 * raw records can go before the next file is read — a provider's exports are tens of thousands of
 * files. Files with objects that need the topology, `sources:` or folder names wait.
 */
export function prepareExport(read: ExportFileRead): PreparedExport {
  const stated = statedNames([read]);
  if (read.recognized.length === 0) return { read, stated, mapped: null };
  // The placements found here are the ones mapping would find (same hints): found once.
  const placements: Placement[] = [];
  for (const r of read.recognized) {
    const placement = place(r.kind, r.properties, read.file, NO_HINTS);
    if (placement === null) return { read, stated, mapped: null };
    placements.push(placement);
  }
  const mapped = mapExportFile(read, NO_HINTS, placements);
  read.recognized = [];
  return { read, stated, mapped };
}

/**
 * Adds the export files to the case after the topology files: CONTRACT "a value written in the
 * topology file wins" holds because the merger keeps what was read first and lets a later object
 * only fill the properties it left out. Placement sees every topology and every name the exports
 * state, so a file may sit in a folder named after a tenant another file introduces.
 * Returns how many files added something to the case.
 */
export function addExports(exports: PreparedExport[], topologies: Iterable<TopologyReadResult>, merger: CaseMerger): number {
  if (exports.length === 0) return 0;
  const hints = hintsFrom(topologies);
  for (const { stated } of exports) {
    for (const t of stated.tenants) hints.tenants.add(t.toLowerCase());
    for (const o of stated.organizations) hints.organizations.add(o);
  }
  let usable = 0;
  for (const { read, mapped: ready } of exports) {
    const mapped = ready ?? mapExportFile(read, hints);
    mapped.fragment.inputs = [read.report];
    merger.add(mapped.fragment);
    // The file's objects are in the case now: let the records go before the next file is mapped.
    read.recognized = [];
    if (mapped.usable) usable++;
  }
  return usable;
}

function hintsFrom(topologies: Iterable<TopologyReadResult>): PlacementHints {
  const hints = emptyHints();
  for (const t of topologies) {
    for (const tenant of t.case.tenants) hints.tenants.add(tenant.Name.toLowerCase());
    for (const org of t.case.organizations) {
      hints.organizations.add(org.Name);
      for (const s of org.Servers) hints.servers.push({ Name: s.Name, Fqdn: s.Fqdn, organization: org.Name, certificates: s.Certificates });
    }
    hints.sources.push(...t.sources);
  }
  return hints;
}
