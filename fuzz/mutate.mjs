// Mutations for the fuzz harness: each takes the seed bytes and a PRNG and returns new bytes.
// They follow the classes of damage real inputs and hostile inputs show: bit flips, truncation at
// structure boundaries, duplicated chunks, huge counts and lengths, deep nesting, invalid UTF-8 and
// UTF-16, byte-order marks and line-ending mixes, NUL bytes.

/** The benchmarks' seeded PRNG (mulberry32), so a round is reproducible from its seed. */
export { createRng as prng } from '../bench/prng.mjs';

const BOUNDARIES = [0x0a, 0x2c, 0x3b, 0x3c, 0x3e, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x22, 0x20];

function boundaryOffsets(b) {
  const out = [];
  for (let i = 0; i < b.length && out.length < 4096; i++) if (BOUNDARIES.includes(b[i])) out.push(i);
  return out;
}

function splice(b, at, remove, insert) {
  return Buffer.concat([b.subarray(0, at), insert, b.subarray(Math.min(b.length, at + remove))]);
}

const MUTATIONS = {
  bitFlips(b, r) {
    const out = Buffer.from(b);
    const n = 1 + r.int(8);
    for (let i = 0; i < n && out.length > 0; i++) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  truncateAtBoundary(b, r) {
    const offs = boundaryOffsets(b);
    const at = offs.length > 0 ? r.pick(offs) + r.int(2) : r.int(b.length + 1);
    return b.subarray(0, at);
  },
  truncateAnywhere(b, r) {
    return b.subarray(0, r.int(b.length + 1));
  },
  duplicateChunk(b, r) {
    if (b.length === 0) return b;
    const start = r.int(b.length);
    const len = 1 + r.int(Math.min(4096, b.length - start));
    const chunk = b.subarray(start, start + len);
    const times = 1 + r.int(r.next() < 0.1 ? 2000 : 8);
    return splice(b, start, 0, Buffer.concat(Array(times).fill(chunk)));
  },
  deleteChunk(b, r) {
    if (b.length === 0) return b;
    const start = r.int(b.length);
    return splice(b, start, 1 + r.int(256), Buffer.alloc(0));
  },
  hugeNumbers(b, r) {
    const s = b.toString('latin1');
    const runs = [...s.matchAll(/\d{1,12}/g)].slice(0, 2000);
    if (runs.length === 0) return MUTATIONS.bitFlips(b, r);
    const m = r.pick(runs);
    const big = r.pick(['4294967295', '2147483648', '18446744073709551615', '99999999999999999999', '-1', '0', '65535', '1e308', 'NaN']);
    return splice(b, m.index, m[0].length, Buffer.from(big, 'latin1'));
  },
  hugeLength(b, r) {
    // Binary length fields: overwrite four bytes with a large value.
    if (b.length < 8) return MUTATIONS.bitFlips(b, r);
    const out = Buffer.from(b);
    const at = r.int(out.length - 4);
    out.writeUInt32LE(r.pick([0xffffffff, 0x7fffffff, 0x10000000, 0x00ffffff]), at);
    return out;
  },
  deepNesting(b, r) {
    const unit = r.pick(['[', '{', '- ', '{a: ', '<a>', '((', '"', 'a: ', '[[', '\t']);
    const times = r.pick([100, 1000, 10000, 100000]);
    return splice(b, r.int(b.length + 1), 0, Buffer.from(unit.repeat(times), 'latin1'));
  },
  invalidUtf8(b, r) {
    const junk = r.pick([[0xc3, 0x28], [0xff], [0xfe], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80, 0x80, 0x80]]);
    return splice(b, r.int(b.length + 1), 0, Buffer.from(junk));
  },
  byteOrderMarks(b, r) {
    const bom = r.pick([[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xff, 0xfe, 0, 0], [0, 0, 0xfe, 0xff]]);
    const body = r.next() < 0.5 ? b : b.subarray(0, b.length - 1 - r.int(Math.max(1, b.length >> 4)));
    return Buffer.concat([Buffer.from(bom), body]);
  },
  utf16(b, r) {
    const le = Buffer.from(b.toString('latin1'), 'utf16le');
    if (r.next() < 0.5) return Buffer.concat([Buffer.from([0xff, 0xfe]), le, r.next() < 0.5 ? Buffer.from([0x41]) : Buffer.alloc(0)]);
    const be = Buffer.from(le);
    be.swap16();
    return Buffer.concat([Buffer.from([0xfe, 0xff]), be, r.next() < 0.5 ? Buffer.from([0x41]) : Buffer.alloc(0)]);
  },
  lineEndings(b, r) {
    const s = b.toString('latin1');
    const to = r.pick(['\r', '\r\n', '\n', '\r\r\n', '\n\r']);
    return Buffer.from(s.replace(/\r?\n/g, () => (r.next() < 0.5 ? to : '\n')), 'latin1');
  },
  nulBytes(b, r) {
    return splice(b, r.int(b.length + 1), 0, Buffer.alloc(1 + r.int(r.next() < 0.1 ? 100000 : 16)));
  },
  longLine(b, r) {
    return splice(b, r.int(b.length + 1), 0, Buffer.from(r.pick(['a', '[', '"', ';', ',', ' ', '=', '5.7.64 ']).repeat(r.pick([10000, 300000])), 'latin1'));
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One to three mutations in a row. */
export function mutate(seed, r) {
  let b = seed;
  const applied = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const name = r.pick(MUTATION_NAMES);
    b = MUTATIONS[name](b, r);
    applied.push(name);
    if (b.length > 8 * 1024 * 1024) b = b.subarray(0, 8 * 1024 * 1024);
  }
  return { bytes: b, applied };
}
