import { CompoundFile, CompoundFileError, type ByteSource } from './compound-file.js';
import { decodeLineBytes } from './header-text.js';

/**
 * The transport headers of an Outlook .msg ([MS-OXMSG] §2.1.3: properties of the message object
 * are streams of the root storage named `__substg1.0_<tag>`): PidTagTransportMessageHeaders
 * (0x007D) as PT_UNICODE (`001F`, UTF-16LE) or PT_STRING8 (`001E`, 8-bit). An attachment's embedded
 * message has its own 007D stream inside `__attach_version1.0_#…`: only the root's is this message's.
 */
export type MsgHeaders = { text: string } | { missing: string };

const UNICODE_STREAM = '__substg1.0_007d001f';
const STRING8_STREAM = '__substg1.0_007d001e';

export async function readMsgTransportHeaders(source: ByteSource): Promise<MsgHeaders> {
  const cf = await CompoundFile.open(source);
  const children = cf.children(cf.root);
  const isMessage = children.some((e) => e.name.toLowerCase() === '__properties_version1.0' || e.name.toLowerCase().startsWith('__substg1.0_'));
  if (!isMessage) throw new CompoundFileError('a compound file, but not an Outlook message (no __properties_version1.0 or __substg1.0_ streams)');
  const unicode = children.find((e) => e.type === 2 && e.name.toLowerCase() === UNICODE_STREAM);
  if (unicode) {
    let text = (await cf.readStream(unicode)).toString('utf16le');
    // PT_UNICODE values are stored with or without the terminating NUL.
    // (Trimmed by a backward scan: `\u0000+$` retries from every NUL of a run followed by text.)
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
    text = text.slice(0, end);
    return { text };
  }
  const string8 = children.find((e) => e.type === 2 && e.name.toLowerCase() === STRING8_STREAM);
  if (string8) {
    const bytes = await cf.readStream(string8);
    const end = bytes.indexOf(0);
    return { text: decodeLineBytes(end >= 0 ? bytes.subarray(0, end) : bytes) };
  }
  return { missing: 'the message has no transport headers (PR_TRANSPORT_MESSAGE_HEADERS, 0x007D): it was never sent through a server (a draft or an item created locally)' };
}

/** A compound file that is an Outlook message: its directory, in the sample, names message property streams. */
export function looksLikeMsg(sample: Uint8Array): boolean {
  const b = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength);
  if (b.length < 512 || b.readUInt32LE(0) !== 0xe011cfd0 || b.readUInt32LE(4) !== 0xe11ab1a1) return false;
  return b.includes(Buffer.from('__substg1.0_', 'utf16le')) || b.includes(Buffer.from('__properties_version1.0', 'utf16le'));
}
