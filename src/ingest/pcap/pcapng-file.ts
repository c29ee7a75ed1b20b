import { MAX_RECORD, type ChunkedFile } from './chunked-file.js';
import type { ContainerRead, FrameSink } from './frame-sink.js';

/**
 * pcapng (draft-ietf-opsawg-pcapng): blocks of `type u32, total length u32, body, total length
 * u32`, 32-bit aligned. A Section Header Block sets the byte order of its section (magic
 * 1A2B3C4D) and resets the interface list; each Interface Description Block gives its link type
 * and timestamp resolution (if_tsresol, default microseconds) for the packets that name it.
 */

const SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 0x00000001;
const OBSOLETE_PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const DSB = 0x0000000a;
/** Decryption Secrets Block type "TLSK": NSS key log text. */
const SECRETS_TLS_KEY_LOG = 0x544c534b;

const OPT_END = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

interface Interface {
  linkType: number;
  snapLength: number;
  unitsPerMs: number;
  offsetMs: number;
}

export function isPcapng(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return v.getUint32(0, true) === SHB && (v.getUint32(8, true) === BYTE_ORDER_MAGIC || v.getUint32(8, false) === BYTE_ORDER_MAGIC);
}

export async function readPcapng(f: ChunkedFile, sink: FrameSink): Promise<ContainerRead> {
  const state: SectionState = { le: true, interfaces: [], unknownInterfaceReported: false };
  for (;;) {
    const need = readBufferedBlocks(f, sink, state);
    if (need < 0) return { truncated: false, damaged: true };
    if (!(await f.more(need))) return endOfFile(f, sink, need);
  }
}

interface SectionState {
  le: boolean;
  interfaces: Interface[];
  unknownInterfaceReported: boolean;
}

function u32(b: Buffer, o: number, le: boolean): number {
  return le ? b.readUInt32LE(o) : b.readUInt32BE(o);
}

function u16(b: Buffer, o: number, le: boolean): number {
  return le ? b.readUInt16LE(o) : b.readUInt16BE(o);
}

/**
 * Handles every whole block in the window without awaiting (one await per chunk, not per packet);
 * returns how many bytes the next block needs, or -1 when the file is damaged from there.
 */
function readBufferedBlocks(f: ChunkedFile, sink: FrameSink, state: SectionState): number {
  const b = f.buf;
  const end = f.end;
  let pos = f.start;
  try {
    for (;;) {
      if (end - pos < 12) return 12;
      if (b.readUInt32LE(pos) === SHB) {
        if (b.readUInt32LE(pos + 8) === BYTE_ORDER_MAGIC) state.le = true;
        else if (b.readUInt32BE(pos + 8) === BYTE_ORDER_MAGIC) state.le = false;
        else {
          sink.problem(f.base + pos, 'section header block with an unknown byte-order magic: the file is damaged from here');
          return -1;
        }
      }
      const le = state.le;
      const type = u32(b, pos, le);
      const length = u32(b, pos + 4, le);
      if (length < 12 || length % 4 !== 0 || length > MAX_RECORD) {
        sink.problem(f.base + pos, `block of type 0x${type.toString(16)} claims a length of ${length} bytes, which no pcapng block can have: the file is damaged from here`);
        return -1;
      }
      if (end - pos < length) return length;
      const trailer = u32(b, pos + length - 4, le);
      if (trailer !== length) sink.problem(f.base + pos, `block of type 0x${type.toString(16)}: its closing length (${trailer}) differs from its opening one (${length})`);
      readBlock(b, pos, type, length, f.base + pos, sink, state);
      pos += length;
    }
  } finally {
    f.start = pos;
  }
}

function readBlock(b: Buffer, pos: number, type: number, length: number, offset: number, sink: FrameSink, state: SectionState): void {
  const le = state.le;
  const body = pos + 8;
  const bodyEnd = pos + length - 4;
  switch (type) {
    case SHB:
      state.interfaces = [];
      return;
    case IDB: {
      if (bodyEnd - body < 8) {
        sink.problem(offset, 'interface description block too short');
        return;
      }
      const iface: Interface = { linkType: u16(b, body, le), snapLength: u32(b, body + 4, le), unitsPerMs: 1000, offsetMs: 0 };
      readInterfaceOptions(b, body + 8, bodyEnd, le, iface);
      state.interfaces.push(iface);
      sink.linkType(iface.linkType);
      return;
    }
    case EPB:
    case OBSOLETE_PB: {
      const id = bodyEnd - body < 20 ? -1 : type === EPB ? u32(b, body, le) : u16(b, body, le);
      const iface = state.interfaces[id];
      if (!iface) {
        if (id >= 0 && !state.unknownInterfaceReported) sink.problem(offset, `packet block names interface ${id}, which no interface description block declared`);
        if (id < 0) sink.problem(offset, 'packet block too short');
        state.unknownInterfaceReported ||= id >= 0;
        // Still a frame, so packet numbers stay those Wireshark shows.
        sink.timestampMs = Number.NaN;
        sink.frame(-1, b, body, body, 0);
        return;
      }
      const stamp = u32(b, body + 4, le) * 4294967296 + u32(b, body + 8, le);
      const captured = u32(b, body + 12, le);
      const original = u32(b, body + 16, le);
      const dataEnd = Math.min(body + 20 + captured, bodyEnd);
      sink.timestampMs = stamp / iface.unitsPerMs + iface.offsetMs;
      sink.frame(iface.linkType, b, body + 20, dataEnd, original);
      return;
    }
    case SPB: {
      const iface = state.interfaces[0];
      if (!iface || bodyEnd - body < 4) {
        sink.timestampMs = Number.NaN;
        sink.frame(-1, b, body, body, 0);
        return;
      }
      const original = u32(b, body, le);
      // An SPB holds min(original length, snap length) bytes (a snap length of 0 means unlimited).
      const captured = Math.min(original, iface.snapLength || original, bodyEnd - body - 4);
      sink.timestampMs = Number.NaN;
      sink.frame(iface.linkType, b, body + 4, body + 4 + captured, original);
      return;
    }
    case DSB: {
      if (bodyEnd - body < 8) return;
      const secretsType = u32(b, body, le);
      const secretsLength = Math.min(u32(b, body + 4, le), bodyEnd - body - 8);
      if (secretsType === SECRETS_TLS_KEY_LOG) sink.secrets(b.toString('utf8', body + 8, body + 8 + secretsLength));
      return;
    }
    default:
      // Name resolution, interface statistics, custom and unknown blocks say nothing about SMTP.
      return;
  }
}

function readInterfaceOptions(b: Buffer, at: number, end: number, le: boolean, iface: Interface): void {
  while (at + 4 <= end) {
    const code = u16(b, at, le);
    const length = u16(b, at + 2, le);
    const value = at + 4;
    if (code === OPT_END || value + length > end) return;
    if (code === IF_TSRESOL && length >= 1) {
      const r = b[value]!;
      const unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      iface.unitsPerMs = unitsPerSecond / 1000;
    } else if (code === IF_TSOFFSET && length >= 8) {
      const seconds = le ? b.readBigInt64LE(value) : b.readBigInt64BE(value);
      iface.offsetMs = Number(seconds) * 1000;
    }
    at = value + ((length + 3) & ~3);
  }
}

function endOfFile(f: ChunkedFile, sink: FrameSink, need: number): ContainerRead {
  if (f.available === 0) return { truncated: false, damaged: false };
  sink.problem(f.position, `the file ends inside a block (${f.available} of ${need} bytes present): it was cut short`);
  return { truncated: true, damaged: false };
}
