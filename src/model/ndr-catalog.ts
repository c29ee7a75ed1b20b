import type { NdrEntry } from './ndr.js';
import { ATTRIBUTION_ENTRIES } from './ndr-catalog-attribution.js';
import { EXO_TO_ONPREM_ENTRIES } from './ndr-catalog-exo-to-onprem.js';
import { EXPIRY_ENTRIES } from './ndr-catalog-expiry.js';
import { ONPREM_ENTRIES } from './ndr-catalog-onprem.js';
import { POLICY_ENTRIES } from './ndr-catalog-policies.js';

/**
 * Every status of NDR-CATALOG.md, as data: the evidence readers (through `recogniseStatuses`), the
 * evidence rules (through the entries' `rules`) and `explain` read this one list. Grouped in files
 * by the catalog's sections, in the catalog's order.
 */
export const NDR_CATALOG: readonly NdrEntry[] = [
  ...ATTRIBUTION_ENTRIES,
  ...POLICY_ENTRIES,
  ...EXO_TO_ONPREM_ENTRIES,
  ...ONPREM_ENTRIES,
  ...EXPIRY_ENTRIES,
];

const BY_ID = new Map(NDR_CATALOG.map((e) => [e.id, e]));

export function ndrEntry(id: string): NdrEntry | undefined {
  return BY_ID.get(id);
}
