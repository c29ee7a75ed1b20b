/**
 * Unchecked integer reads for the per-packet path, where the caller has already checked the
 * bounds: Buffer's readUInt* validate their offset on every call, which shows at millions of packets.
 */

export function be16(b: Buffer, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

export function be32(b: Buffer, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

export function le32(b: Buffer, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
