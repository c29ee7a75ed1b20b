import ipaddr from 'ipaddr.js';

/**
 * IP address text as Exchange accepts it in SenderIPAddresses, RemoteIPRanges and the like:
 * one address, a CIDR range, or `first-last`. IPv4 must be dotted four-part decimal: ipaddr.js
 * would also take `10.1` or hex forms, which Exchange rejects.
 */
export function isIpAddress(text: string): boolean {
  const t = text.trim();
  return ipaddr.IPv4.isValidFourPartDecimal(t) || (t.includes(':') && ipaddr.IPv6.isValid(t));
}

export function isIpRange(text: string): boolean {
  const t = text.trim();
  if (isIpAddress(t)) return true;
  const slash = t.indexOf('/');
  if (slash > 0) {
    const bits = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits) || !isIpAddress(t.slice(0, slash))) return false;
    return ipaddr.isValidCIDR(t);
  }
  const dash = t.indexOf('-');
  if (dash > 0) {
    const first = t.slice(0, dash).trim();
    const last = t.slice(dash + 1).trim();
    if (!isIpAddress(first) || !isIpAddress(last)) return false;
    return ipaddr.parse(first).kind() === ipaddr.parse(last).kind();
  }
  return false;
}

/** Canonical text of an address or range (IPv6 compacted, spaces removed); input kept when it does not parse. */
export function normalizeIpText(text: string): string {
  const t = text.trim();
  const canonical = (a: string): string => (isIpAddress(a) ? ipaddr.parse(a.trim()).toString() : a.trim());
  const slash = t.indexOf('/');
  if (slash > 0) return `${canonical(t.slice(0, slash))}/${t.slice(slash + 1).trim()}`;
  const dash = t.indexOf('-');
  if (dash > 0) return `${canonical(t.slice(0, dash))}-${canonical(t.slice(dash + 1))}`;
  return canonical(t);
}
