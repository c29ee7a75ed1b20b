/**
 * Link-layer headers (tcpdump.org/linktypes.html): where the IP header of a frame starts. Returns
 * the offset, or one of the negative LINK_* reasons, so no object is made per packet.
 */

export const LINK_NOT_IP = -1;
export const LINK_TRUNCATED = -2;
export const LINK_UNSUPPORTED = -3;

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const LINK_NAMES: Record<number, string> = {
  [LINKTYPE_NULL]: 'NULL (BSD loopback)',
  [LINKTYPE_ETHERNET]: 'ETHERNET',
  [LINKTYPE_RAW]: 'RAW (IP)',
  12: 'RAW (IP, DLT 12)',
  14: 'RAW (IP, DLT 14)',
  [LINKTYPE_LOOP]: 'LOOP (OpenBSD loopback)',
  [LINKTYPE_LINUX_SLL]: 'LINUX_SLL (Linux cooked v1)',
  [LINKTYPE_IPV4]: 'IPV4',
  [LINKTYPE_IPV6]: 'IPV6',
  [LINKTYPE_LINUX_SLL2]: 'LINUX_SLL2 (Linux cooked v2)',
};

export function linkTypeName(linkType: number): string {
  return LINK_NAMES[linkType] ?? `link type ${linkType} (not supported)`;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;

/** BSD address families for IPv4 and IPv6 as the loopback header writes them (IPv6 differs by OS). */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

function byEthertype(ethertype: number, at: number): number {
  return ethertype === ETHERTYPE_IPV4 || ethertype === ETHERTYPE_IPV6 ? at : LINK_NOT_IP;
}

function byFamily(family: number, at: number): number {
  return family === AF_INET || AF_INET6.has(family) ? at : LINK_NOT_IP;
}

export function ipOffset(linkType: number, b: Buffer, start: number, end: number): number {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (end - start < 14) return LINK_TRUNCATED;
      let at = start + 12;
      let ethertype = (b[at]! << 8) | b[at + 1]!;
      // 802.1Q and 802.1ad (QinQ) tags: 2 bytes of tag control, then the next ethertype.
      for (let tags = 0; (ethertype === ETHERTYPE_VLAN || ethertype === ETHERTYPE_QINQ || ethertype === ETHERTYPE_QINQ_OLD) && tags < 4; tags++) {
        at += 4;
        if (at + 2 > end) return LINK_TRUNCATED;
        ethertype = b.readUInt16BE(at);
      }
      return byEthertype(ethertype, at + 2);
    }
    case LINKTYPE_RAW:
    case 12:
    case 14:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return start;
    case LINKTYPE_LINUX_SLL:
      // packet type, ARPHRD type, address length, 8 address bytes, protocol (big-endian).
      if (end - start < 16) return LINK_TRUNCATED;
      return byEthertype(b.readUInt16BE(start + 14), start + 16);
    case LINKTYPE_LINUX_SLL2:
      // protocol first, then reserved, interface index, ARPHRD, packet type, address length and 8 address bytes.
      if (end - start < 20) return LINK_TRUNCATED;
      return byEthertype(b.readUInt16BE(start), start + 20);
    case LINKTYPE_NULL: {
      // The family is in the capturing host's byte order: a value above 0xFFFF was written the other way.
      if (end - start < 4) return LINK_TRUNCATED;
      const family = b.readUInt32LE(start);
      return byFamily(family > 0xffff ? b.readUInt32BE(start) : family, start + 4);
    }
    case LINKTYPE_LOOP:
      if (end - start < 4) return LINK_TRUNCATED;
      return byFamily(b.readUInt32BE(start), start + 4);
    default:
      return LINK_UNSUPPORTED;
  }
}
