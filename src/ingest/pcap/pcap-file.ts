import { be32, le32 } from './byte-order.js';
import type { ChunkedFile } from './chunked-file.js';
import { MAX_PACKET, type ContainerRead, type FrameSink } from './frame-sink.js';

/**
 * Classic libpcap files (tcpdump.org/manpages/pcap-savefile.5): a 24-byte header whose magic,
 * read in either byte order, gives the writer's byte order and the timestamp unit
 * (A1B2C3D4 microseconds, A1B23C4D nanoseconds), then records of a 16-byte header
 * (ts_sec, ts_frac, incl_len, orig_len) and incl_len bytes.
 */

export interface PcapHeader {
  littleEndian: boolean;
  nanoseconds: boolean;
  linkType: number;
  snapLength: number;
  /** Bytes of frame check sequence at the end of every frame (0 when the header does not say). */
  fcsBytes: number;
}

const MICRO = 0xa1b2c3d4;
const NANO = 0xa1b23c4d;

export function pcapHeader(b: Uint8Array): PcapHeader | null {
  if (b.length < 24) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const littleEndian of [true, false]) {
    const magic = v.getUint32(0, littleEndian);
    if (magic !== MICRO && magic !== NANO) continue;
    // The field holds the link type in its low 16 bits; bit 26 (0x04000000) says the top 4 bits
    // give the length of the frame check sequence each frame ends with, in 16-bit words
    // (pcap-savefile(5), draft-ietf-opsawg-pcap "LinkType and additional information"). Bits
    // 16–25 are reserved: none of these are part of the link type.
    const field = v.getUint32(20, littleEndian);
    const fcsBytes = field & 0x04000000 ? (field >>> 28) * 2 : 0;
    return { littleEndian, nanoseconds: magic === NANO, snapLength: v.getUint32(16, littleEndian), linkType: field & 0xffff, fcsBytes };
  }
  return null;
}

export async function readPcap(f: ChunkedFile, sink: FrameSink): Promise<ContainerRead> {
  await f.more(24);
  const header = pcapHeader(f.buf.subarray(f.start, f.end));
  if (!header) return { truncated: false, damaged: true };
  f.skip(24);
  sink.linkType(header.linkType);
  const le = header.littleEndian;
  const fraction = header.nanoseconds ? 1e-6 : 1e-3;
  const linkType = header.linkType;
  const limit = Math.max(MAX_PACKET, header.snapLength);
  for (;;) {
    const b = f.buf;
    let pos = f.start;
    const end = f.end;
    while (end - pos >= 16) {
      const captured = le ? le32(b, pos + 8) : be32(b, pos + 8);
      if (captured > limit) {
        sink.problem(f.base + pos, `record header claims ${captured} bytes, more than any packet can hold: the file is damaged from here`);
        f.start = pos;
        return { truncated: false, damaged: true };
      }
      if (end - pos < 16 + captured) break;
      const seconds = le ? le32(b, pos) : be32(b, pos);
      const frac = le ? le32(b, pos + 4) : be32(b, pos + 4);
      const original = le ? le32(b, pos + 12) : be32(b, pos + 12);
      // The FCS trails the frame: leave it out when the frame was captured whole.
      const fcs = header.fcsBytes > 0 && captured === original && captured >= header.fcsBytes ? header.fcsBytes : 0;
      sink.timestampMs = seconds * 1000 + frac * fraction;
      sink.frame(linkType, b, pos + 16, pos + 16 + captured - fcs, original - fcs);
      pos += 16 + captured;
    }
    f.start = pos;
    const need = end - pos < 16 ? 16 : 16 + (le ? le32(b, pos + 8) : be32(b, pos + 8));
    if (!(await f.more(need))) {
      if (f.available > 0) {
        sink.problem(f.position, `the file ends inside a packet record (${f.available} of ${need} bytes present): it was cut short`);
        return { truncated: true, damaged: false };
      }
      return { truncated: false, damaged: false };
    }
  }
}
