/** IP parsing lives in the model (src/model/ip-address.ts), shared with ingest; the engine and rules keep this path. */
export { ipInRanges, ipv4Number, ipv4ToNumber, parseIp, parseIpRange, rangeContains, type IpRange, type ParsedIp } from '../model/ip-address.js';
