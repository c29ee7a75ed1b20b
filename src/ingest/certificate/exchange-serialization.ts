/**
 * Exchange's own properties of a certificate exported where Exchange's types are loaded
 * (Get-ExchangeCertificate | Export-Clixml in the Exchange Management Shell): the object carries
 * its .NET binary serialization ([MS-NRBF]) as `SerializationData`, not the properties. Only the
 * enabled services are read from it — the `value__` of its AllowedServices enum, which MS-NRBF
 * writes as a ClassWithMembersAndTypes record (2.3.2.1): the class name, MemberCount 1, member
 * name `value__`, BinaryTypeEnum Primitive (0), PrimitiveTypeEnum Int32 (8), LibraryId, then the
 * Int32. A blob not laid out exactly so leaves the services unknown.
 */

const CLASS_NAME = 'Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices';
/** A certificate's blob is a few KB; far past that it is not one (bounded work on hostile input). */
const MAX_BLOB_BASE64 = 1 << 20;
/**
 * The AllowedServices flags in bit order, as Get-ExchangeCertificate lists them (Enable-ExchangeCertificate
 * -Services: None, IMAP, POP, UM, IIS, SMTP, Federation, UMCallRouter).
 */
const SERVICE_BITS: readonly [number, string][] = [
  [1, 'IMAP'],
  [2, 'POP'],
  [4, 'UM'],
  [8, 'IIS'],
  [16, 'SMTP'],
  [32, 'Federation'],
  [64, 'UMCallRouter'],
];

const NAME = Buffer.concat([Buffer.from([CLASS_NAME.length]), Buffer.from(CLASS_NAME, 'latin1')]);
const VALUE_MEMBER = Buffer.concat([Buffer.from([1, 0, 0, 0, 7]), Buffer.from('value__', 'latin1'), Buffer.from([0, 8])]);

/** The services text (`IMAP, POP, IIS, SMTP`, `None`) in a SerializationData value, or null. */
export function servicesFromSerializationData(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_BLOB_BASE64) return null;
  const blob = Buffer.from(value, 'base64');
  // The name also stands in the certificate's own record (its member types); the enum's record follows it.
  for (let at = blob.indexOf(NAME); at >= 0; at = blob.indexOf(NAME, at + 1)) {
    const member = at + NAME.length;
    const valueAt = member + VALUE_MEMBER.length + 4;
    if (valueAt + 4 > blob.length || !blob.subarray(member, member + VALUE_MEMBER.length).equals(VALUE_MEMBER)) continue;
    return servicesText(blob.readInt32LE(valueAt));
  }
  return null;
}

function servicesText(flags: number): string | null {
  if (flags === 0) return 'None';
  let known = 0;
  const names: string[] = [];
  for (const [bit, name] of SERVICE_BITS) {
    if ((flags & bit) === 0) continue;
    known |= bit;
    names.push(name);
  }
  // A bit no documented service has: not what this reader knows how to read.
  return known === flags ? names.join(', ') : null;
}
