import type { Certificate } from '../../model/certificate.js';
import { commonNameOf } from '../../model/certificate.js';
import type { X509Certificate } from 'node:crypto';
import { certificateFromX509, inlineCertificateTrust } from '../certificate/read-certificate.js';
import { x509FromRawData } from '../certificate/raw-data.js';
import { servicesFromSerializationData } from '../certificate/exchange-serialization.js';
import { markGiven } from '../../model/given-properties.js';
import type { NormalizeContext, ReferencedCertificateFile } from './normalize-context.js';
import { normalizeObjectList } from './normalize-objects.js';
import {
  dateValue,
  domainList,
  extraProperties,
  has,
  optionalBool,
  textAt,
  thumbprintValue,
  writtenKeys,
  type Raw,
} from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

const INLINE_KEYS = [
  'Thumbprint',
  'Subject',
  'Issuer',
  'CertificateDomains',
  'NotBefore',
  'NotAfter',
  'IsSelfSigned',
  'HasPrivateKey',
  'Services',
  'RootCAType',
  'Status',
  'Server',
] as const;

/**
 * Properties of an X509Certificate2 that are not kept in `extra`: the certificate itself (read into
 * the model when it parses) and Exchange's binary serialization of its own properties, which only
 * Exchange can read. Kept, both would put kilobytes of base64 into every report.
 */
const NOT_EXTRA = [...INLINE_KEYS, 'RawData', 'SerializationData'] as const;
/** What the certificate in RawData gives, whatever the export wrote. */
const FROM_RAW_DATA = ['Thumbprint', 'Subject', 'Issuer', 'CertificateDomains', 'NotBefore', 'NotAfter', 'IsSelfSigned'] as const;

/** Properties a `{ File: path }` entry may add: what the file cannot tell (where it is installed, its key). */
const FILE_KEYS = ['File', 'HasPrivateKey', 'Services', 'Server'] as const;

/** Certificates and the certificate files their `{ File: path }` entries named. */
export interface NormalizedCertificates {
  certificates: Certificate[];
  files: ReferencedCertificateFile[];
}

export function normalizeCertificates(ctx: NormalizeContext, root: Raw): NormalizedCertificates {
  const files: ReferencedCertificateFile[] = [];
  let readFromRawData = 0;
  let servicesFromBlob = 0;
  let firstPath: PathSegment[] | null = null;
  const lists = normalizeObjectList(ctx, root, 'certificates', [], {
    label: 'certificate',
    owner: 'this file',
    identity: (raw, path) => (has(raw, 'File') ? null : thumbprintValue(ctx, raw.Thumbprint, [...path, 'Thumbprint'])),
    build: (raw, path): Certificate[] => {
      if (!has(raw, 'File')) {
        const x509 = has(raw, 'RawData') ? x509FromRawData(raw.RawData) : null;
        if (x509 === null) return [inlineCertificate(ctx, raw, path)];
        const cert = rawDataCertificate(ctx, raw, path, x509);
        if (raw.Services === undefined) {
          readFromRawData++;
          if (cert.Services !== null) servicesFromBlob++;
          firstPath ??= path;
        }
        return [cert];
      }
      const read = fileCertificates(ctx, raw, path);
      if (read) files.push(read);
      return read?.certificates ?? [];
    },
  });
  if (firstPath !== null) {
    // Said once per file: a server's export holds a handful of these, a partner's thousands.
    ctx.warn(
      firstPath,
      `${readFromRawData} certificate(s) exported with only RawData and SerializationData (Get-ExchangeCertificate piped to Export-Clixml where Exchange's types are loaded): ` +
        `names, dates and self-signature are read from the certificate itself${servicesFromBlob > 0 ? `, Services from SerializationData for ${servicesFromBlob} of them` : ''}; ` +
        `${servicesFromBlob === readFromRawData ? '' : 'Services (where not read), '}Status, RootCAType and HasPrivateKey are unknown (the rest of SerializationData is not read)${servicesFromBlob === readFromRawData ? '' : ', so use for SMTP is not judged there'}. ` +
        'To supply them: Get-ExchangeCertificate | Select-Object Thumbprint,Subject,Issuer,CertificateDomains,NotBefore,NotAfter,IsSelfSigned,HasPrivateKey,Services,Status,RootCAType | Export-Clixml certificates.xml',
    );
  }
  return { certificates: lists.flat(), files };
}

/**
 * A Get-ExchangeCertificate object that carries the certificate (`RawData`): what the certificate
 * holds is read from it (thumbprint = SHA-1 of the DER, as Windows computes it), Exchange's
 * properties from the export where it wrote them. Trust follows the inline rule (CONTRACT.md):
 * self-signed is untrusted, otherwise only RootCAType or Status can say so — an issuer chain the
 * export does not carry is not held against the certificate.
 */
function rawDataCertificate(ctx: NormalizeContext, raw: Raw, path: PathSegment[], x509: X509Certificate): Certificate {
  const fromDer = certificateFromX509(x509, '', ctx.provenance(path), []);
  const written = has(raw, 'Thumbprint') ? thumbprintValue(ctx, raw.Thumbprint, [...path, 'Thumbprint']) : null;
  if (written !== null && written !== fromDer.Thumbprint) {
    ctx.warn([...path, 'Thumbprint'], `Thumbprint ${written} is not that of the certificate in RawData (${fromDer.Thumbprint}); the certificate's own is used`);
  }
  const exchange = exchangeProperties(ctx, raw, path);
  // Enable-ExchangeCertificate's services, from the binary serialization when the export wrote no Services.
  if (exchange.Services === null) exchange.Services = servicesFromSerializationData(raw.SerializationData);
  const cert: Certificate = {
    ...fromDer,
    ...exchange,
    File: null,
    trust: inlineCertificateTrust({ IsSelfSigned: fromDer.IsSelfSigned, RootCAType: exchange.RootCAType, Status: exchange.Status }),
    extra: { ...fromDer.extra, ...extraProperties(ctx, raw, NOT_EXTRA, path) },
  };
  markGiven(cert, [...new Set([...writtenKeys(raw, INLINE_KEYS), ...FROM_RAW_DATA])]);
  return cert;
}

function inlineCertificate(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): Certificate {
  const thumbprint = thumbprintValue(ctx, raw.Thumbprint, [...path, 'Thumbprint']) ?? '';
  if (!/^[0-9A-F]{40}$/.test(thumbprint)) {
    ctx.warn([...path, 'Thumbprint'], `Thumbprint "${thumbprint}" is not 40 hexadecimal digits (a SHA-1 thumbprint as Get-ExchangeCertificate shows it)`);
  }
  const subject = textAt(ctx, raw, 'Subject', path) ?? '';
  const domains = domainList(raw, 'CertificateDomains', path);
  const commonName = subject ? commonNameOf(subject) : null;
  const isSelfSigned = optionalBool(raw.IsSelfSigned);
  const exchange = exchangeProperties(ctx, raw, path);
  const cert: Certificate = {
    Thumbprint: thumbprint,
    Subject: subject,
    Issuer: textAt(ctx, raw, 'Issuer', path) ?? '',
    CertificateDomains: domains,
    NotBefore: date(ctx, raw, 'NotBefore', path),
    NotAfter: date(ctx, raw, 'NotAfter', path),
    IsSelfSigned: isSelfSigned,
    ...exchange,
    File: null,
    Sha256: null,
    names: [...new Set([...(commonName ? [commonName] : []), ...domains].map((n) => n.toLowerCase()))],
    commonName,
    trust: inlineCertificateTrust({ IsSelfSigned: isSelfSigned, RootCAType: exchange.RootCAType, Status: exchange.Status }),
    extra: extraProperties(ctx, raw, NOT_EXTRA, path),
    provenance: ctx.provenance(path),
  };
  markGiven(cert, writtenKeys(raw, INLINE_KEYS));
  return cert;
}

/** What Exchange says of an installed certificate, beyond the certificate itself. */
function exchangeProperties(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): Pick<Certificate, 'HasPrivateKey' | 'Services' | 'RootCAType' | 'Status' | 'Server'> {
  return {
    HasPrivateKey: optionalBool(raw.HasPrivateKey),
    Services: services(raw.Services),
    // Enumerations exported as numbers (ConvertTo-Json without -EnumsAsStrings) cannot be read; they are left unknown.
    RootCAType: typeof raw.RootCAType === 'string' ? raw.RootCAType.trim() || null : null,
    Status: typeof raw.Status === 'string' ? raw.Status.trim() || null : null,
    Server: textAt(ctx, raw, 'Server', path)?.toLowerCase() || null,
  };
}

function date(ctx: NormalizeContext, raw: Raw, key: string, path: PathSegment[]): string | null {
  const { iso, ok } = dateValue(raw[key]);
  if (!ok) ctx.warn([...path, key], `${key}: ${JSON.stringify(raw[key])} is not a date (expected e.g. 2026-01-01T00:00:00Z); treated as unknown`);
  return iso;
}

/** Get-ExchangeCertificate prints Services as `IMAP, POP, IIS, SMTP`; a list is joined the same way. */
function services(value: unknown): string | null {
  if (Array.isArray(value)) return value.map(String).join(', ') || null;
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  return null;
}

/**
 * A `{ File: path }` entry: the file is read (path relative to the topology file's folder) and
 * judged from itself. A file that cannot be read is an error of this entry; the rest of the case goes on.
 */
function fileCertificates(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): ReferencedCertificateFile | null {
  const given = textAt(ctx, raw, 'File', path) ?? '';
  const read = ctx.readCertificateFile(given);
  if (read.error !== null) {
    ctx.error([...path, 'File'], `certificate file "${read.report.file}": ${read.error}`);
    ctx.skipped += 1;
    return null;
  }
  const hasPrivateKey = optionalBool(raw.HasPrivateKey);
  const svc = services(raw.Services);
  const server = textAt(ctx, raw, 'Server', path)?.toLowerCase() || null;
  const extra = extraProperties(ctx, raw, FILE_KEYS, path);
  for (const cert of read.certificates) {
    if (hasPrivateKey !== null) cert.HasPrivateKey = hasPrivateKey;
    if (svc !== null) cert.Services = svc;
    if (server !== null) cert.Server = server;
    Object.assign(cert.extra, extra);
  }
  return read;
}
