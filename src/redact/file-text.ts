import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Certificate } from '../model/certificate.js';
import { detectCertificate, readCertificateBytes } from '../ingest/certificate/read-certificate.js';
import { hasCertificateName } from '../ingest/detect.js';
import { bufferSource } from '../ingest/headers/compound-file.js';
import { looksLikeMsg, readMsgTransportHeaders } from '../ingest/headers/outlook-msg.js';
import { captureFormat, readCaptureFile } from '../ingest/pcap/read-capture-file.js';
import { pcapJsonParts } from '../report/render-pcap.js';
import { looksLikeText } from '../ingest/text-decoding.js';

/**
 * A file as redaction sees it: its text in its own encoding (written back the same way), or —
 * for what cannot be rewritten token by token — a text form the same reader accepts: a
 * certificate file (its signature cannot be redone) becomes a topology `certificates:` entry with
 * the same properties, a capture becomes the session JSON `pcap --format json` prints, an Outlook
 * .msg its transport headers.
 */
export type Encoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16le-bom' | 'utf16be-bom' | 'utf32le-bom';

export interface FileText {
  text: string;
  encoding: Encoding;
  /** Appended to the output name when the text is a different form of the input. */
  outputSuffix: string;
  /** What was written instead of the file, for the map and the command's summary. */
  note: string | null;
}

export function decodeWithEncoding(b: Buffer): { text: string; encoding: Encoding } {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) {
    let text = '';
    const parts: string[] = [];
    for (let i = 4; i + 3 < b.length; i += 4) {
      parts.push(String.fromCodePoint(b.readUInt32LE(i)));
      if (parts.length >= 8192) {
        text += parts.join('');
        parts.length = 0;
      }
    }
    return { text: text + parts.join(''), encoding: 'utf32le-bom' };
  }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { text: b.subarray(2).toString('utf16le'), encoding: 'utf16le-bom' };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const swapped = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    swapped.swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf16be-bom' };
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: b.subarray(3).toString('utf8'), encoding: 'utf8-bom' };
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return { text: b.toString('utf16le'), encoding: 'utf16le' };
  return { text: b.toString('utf8'), encoding: 'utf8' };
}

export function encodeWithEncoding(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be-bom': {
      const b = Buffer.from(text, 'utf16le');
      b.swap16();
      return Buffer.concat([Buffer.from([0xfe, 0xff]), b]);
    }
    case 'utf32le-bom': {
      const cps = [...text].map((c) => c.codePointAt(0)!);
      const b = Buffer.alloc(4 + cps.length * 4);
      b.writeUInt32LE(0x0000feff, 0);
      cps.forEach((cp, i) => b.writeUInt32LE(cp, 4 + i * 4));
      return b;
    }
  }
}

/** The text to redact for one input, or a reason it is left out. */
export async function fileText(file: string): Promise<FileText | { skipped: string }> {
  // A capture is told by its magic number and read in chunks: never read whole (captures run to
  // GB), and tested before the certificate file it could pass for (a PEM text in its packets).
  if (!hasCertificateName(file) && captureFormat(fileHead(file, 64)) !== null) return captureText(file);
  const bytes = readFileSync(file);
  const sample = bytes.subarray(0, 1 << 20);
  if (detectCertificate(bytes) || hasCertificateName(file)) {
    const read = readCertificateBytes(bytes, file);
    if (read.certificates.length === 0) return { skipped: 'a certificate file that does not parse' };
    return {
      text: certificatesAsTopology(read.certificates),
      encoding: 'utf8',
      outputSuffix: '.certificate.yaml',
      note: 'certificate file: a signed certificate cannot be redacted and re-signed, so its properties (thumbprint, subject, issuer, names, validity, self-signed, trust) are written as a topology certificate entry instead',
    };
  }
  if (looksLikeMsg(sample)) {
    try {
      const h = await readMsgTransportHeaders(bufferSource(bytes));
      if ('missing' in h) return { skipped: `Outlook message: ${h.missing}` };
      const note = 'Outlook .msg: its transport headers written as text (the item itself is a binary compound file)';
      return { text: `${h.text.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '')}\r\n\r\n`, encoding: 'utf8', outputSuffix: '.headers.eml', note };
    } catch (e) {
      return { skipped: `Outlook message that cannot be read: ${(e as Error).message}` };
    }
  }
  const { text, encoding } = decodeWithEncoding(bytes);
  if (!looksLikeText(text.slice(0, 64 * 1024))) return { skipped: 'binary file of no kind the tool reads' };
  return { text, encoding, outputSuffix: '', note: null };
}

/** The session JSON `pcap --format json` prints for a capture, with a note that it stands for the capture. */
async function captureText(file: string): Promise<FileText | { skipped: string }> {
  const r = await readCaptureFile(file);
  if (r.error !== null) return { skipped: `capture that cannot be read: ${r.error}` };
  const json = [...pcapJsonParts(r, r.sessions.map((s) => JSON.stringify(s, null, 2)))].join('');
  const note = 'capture: packets cannot be redacted in place; written as the SMTP session JSON `mailflow-doctor pcap --format json` prints, redacted';
  return { text: `{\n  "redacted": ${JSON.stringify(note)},${json.slice(1)}`, encoding: 'utf8', outputSuffix: '.sessions.json', note };
}

/** The first `length` bytes of a file (fewer when it is shorter). */
function fileHead(file: string, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(length);
    return b.subarray(0, readSync(fd, b, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Certificates in the topology format (examples/*\/topology.yaml `certificates:`), real names still in (redacted next). */
export function certificatesAsTopology(certs: readonly Certificate[]): string {
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['kind: mailflow-topology', 'version: 1', 'certificates:'];
  for (const c of certs) {
    lines.push(`  - Thumbprint: ${c.Thumbprint}`, `    Subject: ${q(c.Subject)}`, `    Issuer: ${q(c.Issuer)}`, `    CertificateDomains: [${c.CertificateDomains.map(q).join(', ')}]`);
    if (c.NotBefore) lines.push(`    NotBefore: ${c.NotBefore}`);
    if (c.NotAfter) lines.push(`    NotAfter: ${c.NotAfter}`);
    if (c.IsSelfSigned !== null) lines.push(`    IsSelfSigned: ${c.IsSelfSigned}`);
    if (c.HasPrivateKey !== null) lines.push(`    HasPrivateKey: ${c.HasPrivateKey}`);
    if (c.Services) lines.push(`    Services: ${q(c.Services)}`);
    // The file's chain was judged when it was read; inline, trust is said by RootCAType.
    lines.push(`    RootCAType: ${c.trust.publiclyTrusted ? 'ThirdParty' : 'Unknown'}`);
    if (c.Server) lines.push(`    Server: ${q(c.Server)}`);
  }
  return `${lines.join('\n')}\n`;
}
