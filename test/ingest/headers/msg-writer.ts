/**
 * Writes a minimal Outlook .msg: a version 3 compound file ([MS-CFB]: 512-byte sectors, FAT, mini
 * stream for streams under 4096 bytes, directory with one red-black tree per storage) holding the
 * message property streams the tests need ([MS-OXMSG] §2.1.3: `__substg1.0_<tag>` streams and a
 * `__properties_version1.0` stream in the root storage, attachments in `__attach_version1.0_#N`).
 * Files it writes open in olefile, an independent CFB reader.
 */

export interface MsgStream {
  /** Storage names then the stream name, e.g. ['__attach_version1.0_#00000000', '__substg1.0_3707001F']. */
  path: string[];
  data: Buffer;
}

const SECTOR = 512;
const MINI = 64;
const CUTOFF = 4096;
const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const FATSECT = 0xfffffffd;
const NOSTREAM = 0xffffffff;

interface Node {
  name: string;
  type: 1 | 2 | 5;
  children: Node[];
  data?: Buffer;
  index: number;
  start: number;
  size: number;
  left: number;
  right: number;
  child: number;
}

/** [MS-CFB] §2.6.4: siblings ordered by name length, then by upper-cased name. */
function compareNames(a: Node, b: Node): number {
  if (a.name.length !== b.name.length) return a.name.length - b.name.length;
  const ua = a.name.toUpperCase();
  const ub = b.name.toUpperCase();
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

export function writeMsg(streams: MsgStream[]): Buffer {
  const root: Node = { name: 'Root Entry', type: 5, children: [], index: 0, start: ENDOFCHAIN, size: 0, left: NOSTREAM, right: NOSTREAM, child: NOSTREAM };
  const all: Node[] = [root];
  for (const s of streams) {
    let parent = root;
    for (const storage of s.path.slice(0, -1)) {
      let next = parent.children.find((c) => c.name === storage && c.type === 1);
      if (!next) {
        next = { name: storage, type: 1, children: [], index: all.length, start: 0, size: 0, left: NOSTREAM, right: NOSTREAM, child: NOSTREAM };
        all.push(next);
        parent.children.push(next);
      }
      parent = next;
    }
    const node: Node = { name: s.path[s.path.length - 1]!, type: 2, children: [], data: s.data, index: all.length, start: ENDOFCHAIN, size: s.data.length, left: NOSTREAM, right: NOSTREAM, child: NOSTREAM };
    all.push(node);
    parent.children.push(node);
  }
  // A balanced binary search tree of each storage's children (all black; readers walk it, none rebalance it).
  const tree = (nodes: Node[]): number => {
    if (nodes.length === 0) return NOSTREAM;
    const mid = nodes.length >> 1;
    const n = nodes[mid]!;
    n.left = tree(nodes.slice(0, mid));
    n.right = tree(nodes.slice(mid + 1));
    return n.index;
  };
  for (const n of all) if (n.type !== 2) n.child = tree([...n.children].sort(compareNames));

  // Mini stream: small streams, each rounded up to 64 bytes.
  const small = all.filter((n) => n.type === 2 && n.size < CUTOFF && n.size > 0);
  const big = all.filter((n) => n.type === 2 && n.size >= CUTOFF);
  const miniFat: number[] = [];
  const miniParts: Buffer[] = [];
  for (const n of small) {
    const count = Math.ceil(n.size / MINI);
    n.start = miniFat.length;
    for (let i = 0; i < count; i++) miniFat.push(i === count - 1 ? ENDOFCHAIN : miniFat.length + 1);
    const padded = Buffer.alloc(count * MINI);
    n.data!.copy(padded);
    miniParts.push(padded);
  }
  const miniStream = Buffer.concat(miniParts);

  const sectorsOf = (bytes: number) => Math.ceil(bytes / SECTOR);
  const regions: { bytes: Buffer; node?: Node; kind: string }[] = [];
  if (miniStream.length > 0) regions.push({ bytes: miniStream, node: root, kind: 'ministream' });
  for (const n of big) regions.push({ bytes: n.data!, node: n, kind: 'stream' });
  const dir = Buffer.alloc(sectorsOf(all.length * 128) * SECTOR);
  regions.push({ bytes: dir, kind: 'directory' });
  const miniFatBytes = Buffer.alloc(sectorsOf(miniFat.length * 4) * SECTOR, 0xff);
  miniFat.forEach((v, i) => miniFatBytes.writeUInt32LE(v, i * 4));
  if (miniFat.length > 0) regions.push({ bytes: miniFatBytes, kind: 'minifat' });

  const contentSectors = regions.reduce((sum, r) => sum + sectorsOf(r.bytes.length), 0);
  let fatSectors = 1;
  while (fatSectors * (SECTOR / 4) < contentSectors + fatSectors) fatSectors++;
  if (fatSectors > 109) throw new Error('writer keeps the DIFAT in the header: at most 109 FAT sectors');
  const fat = new Array<number>(fatSectors * (SECTOR / 4)).fill(FREESECT);
  let next = 0;
  const starts = new Map<string, number>();
  for (const r of regions) {
    const count = sectorsOf(r.bytes.length);
    const start = next;
    for (let i = 0; i < count; i++) fat[next + i] = i === count - 1 ? ENDOFCHAIN : next + i + 1;
    next += count;
    if (r.node) r.node.start = start;
    starts.set(r.kind, start);
  }
  const fatStart = next;
  for (let i = 0; i < fatSectors; i++) fat[fatStart + i] = FATSECT;
  root.size = miniStream.length;
  if (miniStream.length === 0) root.start = ENDOFCHAIN;

  all.forEach((n, i) => {
    const off = i * 128;
    const name = Buffer.from(`${n.name}\u0000`, 'utf16le');
    name.copy(dir, off);
    dir.writeUInt16LE(name.length, off + 0x40);
    dir[off + 0x42] = n.type;
    dir[off + 0x43] = 1;
    dir.writeUInt32LE(n.left, off + 0x44);
    dir.writeUInt32LE(n.right, off + 0x48);
    dir.writeUInt32LE(n.child, off + 0x4c);
    dir.writeUInt32LE(n.type === 1 ? 0 : n.start, off + 0x74);
    dir.writeUInt32LE(n.type === 1 ? 0 : n.size, off + 0x78);
  });
  for (let off = all.length * 128; off < dir.length; off += 128) {
    dir.writeUInt32LE(NOSTREAM, off + 0x44);
    dir.writeUInt32LE(NOSTREAM, off + 0x48);
    dir.writeUInt32LE(NOSTREAM, off + 0x4c);
  }

  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(fatSectors, 0x2c);
  header.writeUInt32LE(starts.get('directory')!, 0x30);
  header.writeUInt32LE(CUTOFF, 0x38);
  header.writeUInt32LE(miniFat.length > 0 ? starts.get('minifat')! : ENDOFCHAIN, 0x3c);
  header.writeUInt32LE(miniFat.length > 0 ? sectorsOf(miniFat.length * 4) : 0, 0x40);
  header.writeUInt32LE(ENDOFCHAIN, 0x44);
  header.writeUInt32LE(0, 0x48);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i < fatSectors ? fatStart + i : FREESECT, 0x4c + i * 4);

  const body = Buffer.concat(
    regions.map((r) => {
      const b = Buffer.alloc(sectorsOf(r.bytes.length) * SECTOR);
      r.bytes.copy(b);
      return b;
    }),
  );
  const fatBytes = Buffer.alloc(fatSectors * SECTOR);
  fat.forEach((v, i) => fatBytes.writeUInt32LE(v >>> 0, i * 4));
  return Buffer.concat([header, body, fatBytes]);
}

/** The 32-byte header and one 16-byte entry per property of a top-level message's property stream ([MS-OXMSG] §2.4). */
export function propertiesStream(props: { tag: number; size: number }[]): Buffer {
  const b = Buffer.alloc(32 + props.length * 16);
  props.forEach((p, i) => {
    const off = 32 + i * 16;
    b.writeUInt32LE(p.tag >>> 0, off);
    b.writeUInt32LE(6, off + 4); // PROPATTR_READABLE | PROPATTR_WRITABLE
    b.writeUInt32LE(p.size, off + 8);
  });
  return b;
}

/** An Outlook message whose transport headers are `headers` (PT_UNICODE unless `string8`). */
export function msgWithHeaders(headers: string, options: { string8?: boolean; attachmentHeaders?: string; subject?: string } = {}): Buffer {
  const data = options.string8 ? Buffer.from(`${headers}\u0000`, 'latin1') : Buffer.from(headers, 'utf16le');
  const tag = options.string8 ? 0x007d001e : 0x007d001f;
  const streams: MsgStream[] = [
    { path: [`__substg1.0_${tag.toString(16).toUpperCase().padStart(8, '0')}`], data },
    { path: ['__substg1.0_0037001F'], data: Buffer.from(options.subject ?? 'Test', 'utf16le') },
    { path: ['__substg1.0_001A001F'], data: Buffer.from('IPM.Note', 'utf16le') },
  ];
  if (options.attachmentHeaders !== undefined) {
    const inner = '__attach_version1.0_#00000000';
    streams.push({ path: [inner, '__substg1.0_3707001F'], data: Buffer.from('forwarded.msg', 'utf16le') });
    streams.push({ path: [inner, '__substg1.0_007D001F'], data: Buffer.from(options.attachmentHeaders, 'utf16le') });
  }
  streams.push({ path: ['__properties_version1.0'], data: propertiesStream([{ tag, size: data.length }, { tag: 0x0037001f, size: 8 }]) });
  return writeMsg(streams);
}

/** A message saved before sending: no transport headers, but an attachment that has its own. */
export function draftMsg(attachmentHeaders: string): Buffer {
  const inner = '__attach_version1.0_#00000000';
  return writeMsg([
    { path: ['__substg1.0_0037001F'], data: Buffer.from('Draft', 'utf16le') },
    { path: [inner, '__substg1.0_007D001F'], data: Buffer.from(attachmentHeaders, 'utf16le') },
    { path: ['__properties_version1.0'], data: propertiesStream([{ tag: 0x0037001f, size: 10 }]) },
  ]);
}
