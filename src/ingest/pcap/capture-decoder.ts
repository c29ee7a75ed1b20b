import type { Diagnostic } from '../../model/diagnostics.js';
import type { CapturedSession } from './capture-model.js';
import type { FrameSink } from './frame-sink.js';
import { IpFragmentReassembler } from './ip-fragments.js';
import { decodeIp, IP_FRAGMENT_HELD, IP_MALFORMED, IP_OK, IP_OTHER_PROTOCOL, IpPacket } from './ip.js';
import { ipOffset, LINK_NOT_IP, LINK_TRUNCATED, LINK_UNSUPPORTED, linkTypeName } from './link-layer.js';
import { FlowTable } from './tcp-flows.js';
import { addDiagnostic, addDiagnostics } from '../limits.js';
import { GrowingKeyLog, parseKeyLog, type KeyLog, type TlsSecrets } from './tls-keylog.js';

/** Diagnostics kept per skip reason; the rest are counted. */
const DIAGNOSTICS_PER_REASON = 5;

/**
 * Frames to TCP segments: link layer, IP (fragments reassembled), TCP into the flow table. Every
 * frame is numbered from 1 as Wireshark numbers them, and every frame that cannot be decoded is
 * counted under its reason, the first few with their packet number.
 */
export class CaptureDecoder implements FrameSink {
  packets = 0;
  bytes = 0;
  notTcp = 0;
  skipped = 0;
  readonly skippedReasons: Record<string, number> = {};
  readonly diagnostics: Diagnostic[] = [];
  readonly linkTypes = new Set<number>();
  firstTime = Number.NaN;
  lastTime = Number.NaN;
  timestampMs = Number.NaN;
  readonly fragments = new IpFragmentReassembler();
  readonly flows: FlowTable;
  private readonly ip = new IpPacket();
  private readonly keyLog: GrowingKeyLog;
  keyLogsFromCapture = 0;

  constructor(
    private readonly file: string,
    keyLogs: KeyLog[],
    onSession: (session: CapturedSession) => void,
  ) {
    this.keyLog = new GrowingKeyLog();
    for (const log of keyLogs) this.keyLog.add(log);
    this.flows = new FlowTable((random) => this.secretsFor(random), onSession, () => this.keyLog.size > 0);
  }

  get keyLogSessions(): number {
    return this.keyLog.size;
  }

  frame(linkType: number, b: Buffer, start: number, end: number, originalLength: number): void {
    const packet = ++this.packets;
    const time = this.timestampMs;
    this.bytes += end - start;
    if (time === time) {
      if (!(this.firstTime <= time)) this.firstTime = time;
      if (!(this.lastTime >= time)) this.lastTime = time;
    }
    if (linkType < 0) {
      this.skip(packet, 'packet of an interface the file does not describe');
      return;
    }
    const at = ipOffset(linkType, b, start, end);
    if (at < 0) {
      if (at === LINK_NOT_IP) this.notTcp++;
      else if (at === LINK_TRUNCATED) this.skip(packet, 'link-layer header cut short');
      else if (at === LINK_UNSUPPORTED) this.skip(packet, `${linkTypeName(linkType)}`);
      return;
    }
    const ip = this.ip;
    ip.time = time;
    const result = decodeIp(b, at, end, start + Math.max(originalLength, end - start), packet, ip, this.fragments);
    if (result === IP_OK) {
      if (!this.flows.segment(ip, packet)) this.skip(packet, 'damaged TCP header');
    } else if (result === IP_OTHER_PROTOCOL) {
      this.notTcp++;
    } else if (result === IP_MALFORMED) {
      this.skip(packet, `damaged IP header (${ip.problem})`);
    } else if (result !== IP_FRAGMENT_HELD) {
      this.skip(packet, 'IP header cut short (snap length or damaged frame)');
    }
  }

  secrets(text: string): void {
    const parsed = parseKeyLog(text, `${this.file} (decryption secrets block)`);
    addDiagnostics(this.diagnostics, parsed.diagnostics.slice(0, 20), this.file);
    this.keyLog.add(parsed.keyLog);
    this.keyLogsFromCapture++;
  }

  linkType(linkType: number): void {
    this.linkTypes.add(linkType);
  }

  problem(at: number, message: string): void {
    addDiagnostic(this.diagnostics, { severity: 'error', location: `${this.file}@${at}`, message: `${this.file}: at byte ${at} (after packet ${this.packets}): ${message}` }, this.file);
  }

  finish(): void {
    this.flows.sweep(true);
    this.fragments.finish();
  }

  private secretsFor(clientRandom: Uint8Array): TlsSecrets | null {
    return this.keyLog.secretsFor(clientRandom);
  }

  private skip(packet: number, reason: string): void {
    this.skipped++;
    const seen = (this.skippedReasons[reason] ?? 0) + 1;
    this.skippedReasons[reason] = seen;
    if (seen <= DIAGNOSTICS_PER_REASON) {
      this.diagnostics.push({ severity: 'warning', location: `${this.file}:${packet}`, message: `packet ${packet}: skipped, ${reason}${seen === DIAGNOSTICS_PER_REASON ? ' (further packets skipped for this reason are only counted)' : ''}` });
    }
  }
}
