import { emptyCase } from '../../model/case.js';
import { CaseMerger } from '../merge-case.js';
import type { TopologyReadResult } from '../topology/read-topology.js';
import { emptyHints, place, type Placement, type PlacementHints } from './placement.js';
import { mapExportFile, statedNames, type ExportFileRead, type MappedExport } from './read-export.js';

const NO_HINTS = emptyHints();

/**
 * The export files of a case, in file order, from read to merged. Placement may need every
 * topology and every name the exports state (a file may sit in a folder named after a tenant
 * another file introduces), so in general a file waits for the end of the read. But a file whose
 * objects all say themselves where they belong (OrganizationalUnitRoot, DistinguishedName, a
 * certificate's Identity) is placed the same whatever comes later: such files are mapped at once
 * and merged among themselves as they come, for as long as no earlier file waits. A provider's
 * tens of thousands of files then leave one merged fragment, not a fragment per file kept to the
 * end (each tenant's three files bring the tenant three times).
 *
 * Merging the leading files first and that result after the topologies gives the case that
 * merging each file after the topologies gives: a merge keeps the first given value of every
 * property and appends new list items in order, and the files keep their order among themselves.
 */
export class ExportCollector {
  /** The leading files mapped at once, merged in file order. */
  private readonly leading = new CaseMerger(emptyCase());
  /** From the first file that must wait on, every file in order (mapped already when it could be). */
  private readonly rest: { read: ExportFileRead; mapped: MappedExport | null }[] = [];
  /** Names the objects state, in order of first mention, for placing the waiting files' objects. */
  private readonly statedTenants = new Set<string>();
  private readonly statedOrganizations = new Set<string>();
  private usable = 0;

  /** Reads one more export file's objects (readExportFile); its records go as soon as it is mapped. */
  add(read: ExportFileRead): void {
    const stated = statedNames([read]);
    for (const t of stated.tenants) this.statedTenants.add(t);
    for (const o of stated.organizations) this.statedOrganizations.add(o);
    const mapped = mapAtOnce(read);
    if (mapped !== null) read.recognized = [];
    if (mapped !== null && this.rest.length === 0) {
      this.merge(this.leading, read, mapped);
      return;
    }
    this.rest.push({ read, mapped });
  }

  /**
   * Adds the exports to the case after the topology files: CONTRACT "a value written in the
   * topology file wins" holds because the merger keeps what was read first and lets a later object
   * only fill the properties it left out. Returns how many files added something to the case.
   */
  finish(topologies: Iterable<TopologyReadResult>, merger: CaseMerger): number {
    merger.add(this.leading.unfinished());
    if (this.rest.length > 0) {
      const hints = hintsFrom(topologies);
      for (const t of this.statedTenants) hints.tenants.add(t.toLowerCase());
      for (const o of this.statedOrganizations) hints.organizations.add(o);
      for (const { read, mapped } of this.rest) this.merge(merger, read, mapped ?? mapExportFile(read, hints));
      this.rest.length = 0;
    }
    return this.usable;
  }

  private merge(merger: CaseMerger, read: ExportFileRead, mapped: MappedExport): void {
    mapped.fragment.inputs = [read.report];
    merger.add(mapped.fragment);
    // The file's objects are in the case now: let the records go before the next file is mapped.
    read.recognized = [];
    if (mapped.usable) this.usable++;
  }
}

/**
 * The file mapped now when every object in it says itself where it belongs (placement could not
 * come out otherwise), else null. A file with no recognised object maps to nothing either way.
 */
function mapAtOnce(read: ExportFileRead): MappedExport | null {
  if (read.recognized.length === 0) return { fragment: emptyCase(), usable: false };
  // The placements found here are the ones mapping would find (same hints): found once.
  const placements: Placement[] = [];
  for (const r of read.recognized) {
    const placement = place(r.kind, r.properties, read.file, NO_HINTS);
    if (placement === null) return null;
    placements.push(placement);
  }
  return mapExportFile(read, NO_HINTS, placements);
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
