import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src/ingest/zip/crc32.js';

/**
 * Builds zip archives for the tests, byte by byte after APPNOTE.TXT, including what a hostile
 * archive does: sizes that lie, entries that share data, names that climb out of the folder.
 */
export interface TestEntry {
  name: string;
  data: Buffer | string;
  /** 'deflate' (default) or 'store'. */
  method?: 'deflate' | 'store';
  /** Lies written in the headers instead of the true values. */
  declaredSize?: number;
  declaredCrc?: number;
  /** Use the local header and data of an earlier entry (by index): overlapping entries. */
  sameDataAs?: number;
  /** Set the UTF-8 name flag (bit 11). */
  utf8?: boolean;
  /** Unix mode in the external attributes (made on Unix). */
  unixMode?: number;
}

export function buildZip(entries: TestEntry[], comment = ''): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  const sizes: { compressed: number; size: number; crc: number; method: number }[] = [];
  let offset = 0;
  for (const [i, e] of entries.entries()) {
    const name = Buffer.from(e.name, e.utf8 === false ? 'latin1' : 'utf8');
    const flags = e.utf8 === false ? 0 : 0x800;
    let local = offset;
    let info: { compressed: number; size: number; crc: number; method: number };
    if (e.sameDataAs !== undefined) {
      local = offsets[e.sameDataAs]!;
      info = sizes[e.sameDataAs]!;
    } else {
      const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
      const method = e.method === 'store' ? 0 : 8;
      const body = method === 8 ? deflateRawSync(raw) : raw;
      info = { compressed: body.length, size: e.declaredSize ?? raw.length, crc: e.declaredCrc ?? crc32(raw), method };
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(flags, 6);
      header.writeUInt16LE(info.method, 8);
      header.writeUInt32LE(info.crc, 14);
      header.writeUInt32LE(info.compressed, 18);
      header.writeUInt32LE(info.size, 22);
      header.writeUInt16LE(name.length, 26);
      parts.push(header, name, body);
      offset += header.length + name.length + body.length;
    }
    offsets[i] = local;
    sizes[i] = info;
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(e.unixMode !== undefined ? (3 << 8) | 20 : 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(info.method, 10);
    c.writeUInt32LE(info.crc, 16);
    c.writeUInt32LE(info.compressed, 20);
    c.writeUInt32LE(info.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(e.unixMode !== undefined ? (e.unixMode << 16) >>> 0 : 0, 38);
    c.writeUInt32LE(local, 42);
    central.push(c, name);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  const commentBytes = Buffer.from(comment, 'utf8');
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(commentBytes.length, 20);
  return Buffer.concat([...parts, cd, end, commentBytes]);
}
