import { describe, expect, it } from 'vitest';
import { servicesFromSerializationData } from '../../../src/ingest/certificate/exchange-serialization.js';

// [MS-NRBF] 2.1.1.6 LengthPrefixedString (a 7-bit-encoded length, then UTF-8), 2.3.2.1
// ClassWithMembersAndTypes: RecordTypeEnum 5, ObjectId, ClassInfo (Name, MemberCount, MemberNames),
// MemberTypeInfo (BinaryTypeEnums, AdditionalInfos), LibraryId, then the member values. A .NET enum
// is serialized as a class of one Int32 member `value__`. AllowedServices is a flags enum:
// IMAP 1, POP 2, UM 4, IIS 8, SMTP 16, Federation 32, UMCallRouter 64 (Enable-ExchangeCertificate -Services).
const CLASS = 'Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices';
const lps = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};

/** A blob as Exchange writes it: header, library, the certificate's record naming the enum type, then the enum's record. */
function blob(services: number): string {
  const header = Buffer.concat([Buffer.from([0]), i32(1), i32(-1), i32(1), i32(0)]);
  const library = Buffer.concat([Buffer.from([12]), i32(2), lps('Microsoft.Exchange.Management, Version=15.0.0.0')]);
  // The certificate's record: its member of type AllowedServices names the class (BinaryTypeEnum Class 4: name, library id).
  const certificate = Buffer.concat([Buffer.from([5]), i32(1), lps('Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate'), i32(1), lps('Services'), Buffer.from([4]), lps(CLASS), i32(2), i32(2)]);
  const enumRecord = Buffer.concat([Buffer.from([5]), i32(-6), lps(CLASS), i32(1), lps('value__'), Buffer.from([0, 8]), i32(2), i32(services)]);
  return Buffer.concat([header, library, certificate, enumRecord, Buffer.from([11])]).toString('base64');
}

describe('Services from an ExchangeCertificate\'s SerializationData (MS-NRBF)', () => {
  it('reads the AllowedServices flags as Get-ExchangeCertificate lists them', () => {
    expect(servicesFromSerializationData(blob(16))).toBe('SMTP');
    expect(servicesFromSerializationData(blob(1 + 2 + 8 + 16))).toBe('IMAP, POP, IIS, SMTP');
    expect(servicesFromSerializationData(blob(0))).toBe('None');
    expect(servicesFromSerializationData(blob(8 | 32))).toBe('IIS, Federation');
  });

  it('leaves the services unknown when the record is not laid out as MS-NRBF writes an enum', () => {
    expect(servicesFromSerializationData(blob(1 << 12))).toBeNull();
    expect(servicesFromSerializationData(blob(16).slice(0, -12))).toBeNull();
    expect(servicesFromSerializationData('AA==')).toBeNull();
    expect(servicesFromSerializationData(42)).toBeNull();
    expect(servicesFromSerializationData(Buffer.from(CLASS).toString('base64'))).toBeNull();
  });

  it('bounded on hostile input: a megabyte of repeated class names', () => {
    const many = Buffer.concat(Array.from({ length: 10_000 }, () => lps(CLASS))).toString('base64');
    expect(servicesFromSerializationData(many)).toBeNull();
  });
});
