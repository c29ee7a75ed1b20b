import type { CapturedSession } from '../../model/capture.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import { readSourceHead } from '../byte-source.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { captureStatuses, sessionObservation } from '../pcap/capture-evidence-reader.js';

/**
 * A saved `mailflow-doctor probe --format json` as evidence for `diagnose`: its sessions have the
 * shape `pcap --format json` prints, so they become observations exactly as captured sessions do
 * — seen from the client's seat (the probe was the client), origin `capture` (the model's origins
 * have no probe of their own; a probe is a capture the client made of itself).
 */
const SCHEMA_AT_START = /^\uFEFF?\s*\{\s*"schema"\s*:\s*"mailflow-doctor\/probe@1"/;

/** A probe report is a few KB; anything far larger is not one and is not read whole. */
const MAX_PROBE_BYTES = 16 * 1024 * 1024;

export const probeEvidenceReader: EvidenceReader = {
  kind: 'probe',
  detect: (sample) => SCHEMA_AT_START.test(Buffer.from(sample.buffer, sample.byteOffset, Math.min(sample.byteLength, 256)).toString('utf8')),
  async read(source, sink): Promise<InputReport> {
    const file = source.name;
    const diagnostics: Diagnostic[] = [];
    const report = (records: number, skipped: number): InputReport => ({ file, kind: 'probe', records, skipped, diagnostics });
    let doc: unknown;
    try {
      const whole = await readSourceHead(source, MAX_PROBE_BYTES);
      if (whole.size > MAX_PROBE_BYTES) throw new Error(`larger than ${MAX_PROBE_BYTES} bytes, not a probe report`);
      doc = JSON.parse(whole.bytes.toString('utf8'));
    } catch (e) {
      diagnostics.push({ severity: 'error', location: file, message: `cannot read the probe report: ${(e as Error).message}` });
      return report(0, 1);
    }
    const sessions = (doc as { sessions?: unknown }).sessions;
    if (!Array.isArray(sessions)) {
      diagnostics.push({ severity: 'error', location: file, message: 'the probe report has no "sessions" list' });
      return report(0, 1);
    }
    let read = 0;
    sessions.forEach((s, i) => {
      if (!isSession(s)) {
        diagnostics.push({ severity: 'warning', location: `${file}: sessions[${i}]`, message: 'not a session of the pcap/probe shape; skipped' });
        return;
      }
      sink.session({ ...sessionObservation(s, file), viewpoint: 'client' });
      for (const o of captureStatuses(s, file)) sink.status?.(o);
      read++;
    });
    return report(read, sessions.length - read);
  },
};

/** The fields the observation is built from, with the types it needs. */
function isSession(s: unknown): s is CapturedSession {
  if (typeof s !== 'object' || s === null) return false;
  const x = s as Record<string, unknown>;
  const packets = x.packets as Record<string, unknown> | undefined;
  return (
    typeof x.clientIp === 'string' && typeof x.serverIp === 'string' && typeof x.starttls === 'string' &&
    Array.isArray(x.replies) && Array.isArray(x.transactions) && Array.isArray(x.extensions) && Array.isArray(x.notes) &&
    typeof packets?.first === 'number' && (x.tls === null || typeof x.tls === 'object') &&
    (x.replies as unknown[]).every(isReply) &&
    (x.transactions as unknown[]).every((t) => typeof t === 'object' && t !== null && Array.isArray((t as { replies?: unknown }).replies) && ((t as { replies: unknown[] }).replies).every(isReply) && Array.isArray((t as { rcptTo?: unknown }).rcptTo))
  );
}

function isReply(r: unknown): boolean {
  const x = r as Record<string, unknown> | null;
  return typeof x === 'object' && x !== null && typeof x.code === 'number' && typeof x.text === 'string' && typeof x.packet === 'number';
}
