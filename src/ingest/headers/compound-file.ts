import type { OpenByteSource } from '../byte-source.js';

/**
 * A read-only reader of the Compound File Binary format ([MS-CFB], the OLE2 "structured storage"
 * Outlook saves .msg files in), reading only the sectors it needs through random access.
 *
 * Written here rather than taken from npm: `cfb` (SheetJS) reads the whole file into memory and
 * its npm copy has not been published since 2022 (SheetJS moved distribution off npm), and
 * `@kenjiuno/msgreader` parses the whole message (bodies, attachments, RTF decompression) and pulls
 * in iconv-lite and an RTF decompressor — while all we need is one stream of the root storage.
 * [MS-CFB] §2 is small: header, FAT/DIFAT, directory, mini stream.
 */

export const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const MAXREGSECT = 0xfffffffa;
const NOSTREAM = 0xffffffff;

export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

export function bufferSource(b: Buffer): ByteSource {
  return { size: b.length, read: async (offset, length) => b.subarray(offset, Math.min(b.length, offset + length)) };
}

export function fileSource(handle: Pick<OpenByteSource, 'read'>, size: number): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      if (buf.length === 0) return buf;
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      return buf.subarray(0, bytesRead);
    },
  };
}

export class CompoundFileError extends Error {}

export interface DirectoryEntry {
  index: number;
  name: string;
  /** [MS-CFB] §2.6.1 object type: 1 storage, 2 stream, 5 root storage. */
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

export class CompoundFile {
  private constructor(
    private readonly source: ByteSource,
    private readonly sectorSize: number,
    private readonly miniSectorSize: number,
    private readonly miniCutoff: number,
    private readonly fat: Uint32Array,
    readonly entries: DirectoryEntry[],
    private readonly miniFat: Uint32Array,
  ) {}

  static async open(source: ByteSource): Promise<CompoundFile> {
    const header = await source.read(0, 512);
    if (header.length < 512 || !header.subarray(0, 8).equals(CFB_SIGNATURE)) throw new CompoundFileError('not a compound file (no D0 CF 11 E0 A1 B1 1A E1 signature)');
    if (header.readUInt16LE(0x1c) !== 0xfffe) throw new CompoundFileError('compound file header has a wrong byte-order mark');
    const sectorShift = header.readUInt16LE(0x1e);
    const miniShift = header.readUInt16LE(0x20);
    // §2.2: version 3 uses 512-byte sectors, version 4 4096-byte ones.
    if (sectorShift !== 9 && sectorShift !== 12) throw new CompoundFileError(`unsupported sector size 2^${sectorShift}`);
    if (miniShift !== 6) throw new CompoundFileError(`unsupported mini sector size 2^${miniShift}`);
    const sectorSize = 1 << sectorShift;
    const fatSectorCount = header.readUInt32LE(0x2c);
    const firstDirectory = header.readUInt32LE(0x30);
    const miniCutoff = header.readUInt32LE(0x38);
    const firstMiniFat = header.readUInt32LE(0x3c);
    const miniFatCount = header.readUInt32LE(0x40);
    let difatSector = header.readUInt32LE(0x44);
    const difatCount = header.readUInt32LE(0x48);
    const totalSectors = Math.max(0, Math.ceil(source.size / sectorSize) - 1);
    if (fatSectorCount > totalSectors + 1) throw new CompoundFileError('compound file header claims more FAT sectors than the file holds');

    const sectorAt = (n: number) => (n + 1) * sectorSize;
    const readSector = async (n: number): Promise<Buffer> => {
      if (n > MAXREGSECT || sectorAt(n) >= source.size) throw new CompoundFileError(`sector ${n} lies outside the file`);
      const b = await source.read(sectorAt(n), sectorSize);
      if (b.length < sectorSize) {
        const full = Buffer.alloc(sectorSize);
        b.copy(full);
        return full;
      }
      return b;
    };

    // §2.5: the DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
    const fatSectors: number[] = [];
    for (let i = 0; i < 109 && fatSectors.length < fatSectorCount; i++) fatSectors.push(header.readUInt32LE(0x4c + i * 4));
    for (let d = 0; d < difatCount && fatSectors.length < fatSectorCount && difatSector <= MAXREGSECT; d++) {
      const s = await readSector(difatSector);
      const perSector = sectorSize / 4 - 1;
      for (let i = 0; i < perSector && fatSectors.length < fatSectorCount; i++) fatSectors.push(s.readUInt32LE(i * 4));
      difatSector = s.readUInt32LE(perSector * 4);
    }
    const fat = new Uint32Array(fatSectors.length * (sectorSize / 4));
    for (let i = 0; i < fatSectors.length; i++) {
      const s = await readSector(fatSectors[i]!);
      for (let j = 0; j < sectorSize / 4; j++) fat[i * (sectorSize / 4) + j] = s.readUInt32LE(j * 4);
    }

    const chain = (start: number): number[] => {
      const out: number[] = [];
      let n = start;
      while (n !== ENDOFCHAIN && n !== FREESECT) {
        if (n > MAXREGSECT || n >= fat.length) throw new CompoundFileError(`sector chain runs to ${n}, outside the FAT`);
        if (out.length > fat.length) throw new CompoundFileError('sector chain loops');
        out.push(n);
        n = fat[n]!;
      }
      return out;
    };

    const dirBytes = Buffer.concat(await Promise.all(chain(firstDirectory).map(readSector)));
    const entries: DirectoryEntry[] = [];
    for (let off = 0; off + 128 <= dirBytes.length; off += 128) {
      const nameLength = Math.min(64, dirBytes.readUInt16LE(off + 0x40));
      const name = dirBytes.subarray(off, off + Math.max(0, nameLength - 2)).toString('utf16le');
      entries.push({
        index: off / 128,
        name,
        type: dirBytes[off + 0x42]!,
        left: dirBytes.readUInt32LE(off + 0x44),
        right: dirBytes.readUInt32LE(off + 0x48),
        child: dirBytes.readUInt32LE(off + 0x4c),
        start: dirBytes.readUInt32LE(off + 0x74),
        // §2.6.3: version 3 files may leave garbage in the high 32 bits of the size.
        size: sectorShift === 9 ? dirBytes.readUInt32LE(off + 0x78) : Number(dirBytes.readBigUInt64LE(off + 0x78)),
      });
    }
    if (entries.length === 0 || entries[0]!.type !== 5) throw new CompoundFileError('compound file has no root storage entry');

    const miniFatSectors = firstMiniFat > MAXREGSECT ? [] : chain(firstMiniFat).slice(0, miniFatCount);
    const miniFat = new Uint32Array(miniFatSectors.length * (sectorSize / 4));
    for (let i = 0; i < miniFatSectors.length; i++) {
      const s = await readSector(miniFatSectors[i]!);
      for (let j = 0; j < sectorSize / 4; j++) miniFat[i * (sectorSize / 4) + j] = s.readUInt32LE(j * 4);
    }
    const cf = new CompoundFile(source, sectorSize, 1 << miniShift, miniCutoff, fat, entries, miniFat);
    cf.chain = chain;
    cf.readSector = readSector;
    return cf;
  }

  private chain!: (start: number) => number[];
  private readSector!: (n: number) => Promise<Buffer>;

  /** The direct children of a storage (§2.6.4: a red-black tree through left/right siblings). */
  children(storage: DirectoryEntry): DirectoryEntry[] {
    const out: DirectoryEntry[] = [];
    const stack = [storage.child];
    const seen = new Set<number>();
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (i === NOSTREAM || i >= this.entries.length || seen.has(i)) continue;
      seen.add(i);
      const e = this.entries[i]!;
      out.push(e);
      stack.push(e.left, e.right);
    }
    return out;
  }

  get root(): DirectoryEntry {
    return this.entries[0]!;
  }

  /** A stream's bytes (streams under the cutoff live in the mini stream, §2.4). */
  async readStream(entry: DirectoryEntry, maxBytes = 64 << 20): Promise<Buffer> {
    if (entry.size > maxBytes) throw new CompoundFileError(`stream ${entry.name} is ${entry.size} bytes, more than the ${maxBytes} read`);
    if (entry.size < this.miniCutoff && entry !== this.root) {
      const root = this.root;
      const rootSectors = this.chain(root.start);
      const out = Buffer.alloc(entry.size);
      let written = 0;
      let n = entry.start;
      let guard = 0;
      while (written < entry.size && n !== ENDOFCHAIN) {
        if (n >= this.miniFat.length || guard++ > this.miniFat.length) throw new CompoundFileError(`mini stream chain of ${entry.name} is broken`);
        const offset = n * this.miniSectorSize;
        const sector = rootSectors[Math.floor(offset / this.sectorSize)];
        if (sector === undefined) throw new CompoundFileError(`mini sector ${n} of ${entry.name} lies outside the mini stream`);
        const bytes = await this.readSector(sector);
        const within = offset % this.sectorSize;
        const take = Math.min(this.miniSectorSize, entry.size - written);
        bytes.copy(out, written, within, within + take);
        written += take;
        n = this.miniFat[n]!;
      }
      if (written < entry.size) throw new CompoundFileError(`stream ${entry.name} ends early`);
      return out;
    }
    const sectors = this.chain(entry.start);
    const parts: Buffer[] = [];
    let remaining = entry.size;
    for (const s of sectors) {
      if (remaining <= 0) break;
      const b = await this.readSector(s);
      parts.push(b.subarray(0, Math.min(remaining, this.sectorSize)));
      remaining -= this.sectorSize;
    }
    if (remaining > 0) throw new CompoundFileError(`stream ${entry.name} ends early`);
    return Buffer.concat(parts);
  }
}
