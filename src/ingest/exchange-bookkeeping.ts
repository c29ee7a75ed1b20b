/**
 * Properties every Exchange object carries for the directory and the PowerShell session — not
 * settings: no Set-* cmdlet takes them, so no what-if change can touch them. Placement reads the
 * ones that name an owner (OrganizationalUnitRoot, DistinguishedName, Identity, PSComputerName)
 * before objects are normalised; keeping the rest in every object's `extra` would hold hundreds of MB
 * for a provider's exports and tell no rule anything.
 */
const BOOKKEEPING = new Set([
  'RunspaceId',
  'PSComputerName',
  'PSShowComputerName',
  'PSSourceJobInstanceId',
  'ExchangeVersion',
  'DistinguishedName',
  'Identity',
  'ObjectCategory',
  'ObjectClass',
  'WhenChanged',
  'WhenCreated',
  'WhenChangedUTC',
  'WhenCreatedUTC',
  'ExchangeObjectId',
  'OrganizationalUnitRoot',
  'OrganizationId',
  'Id',
  'Guid',
  'OriginatingServer',
  'IsValid',
  'ObjectState',
]);

/** Left out of `extra` when export objects are normalised (normalize-values.ts); a topology file keeps them. */
export function isBookkeeping(property: string): boolean {
  return BOOKKEEPING.has(property);
}
