import { parseIpRange } from '../../model/ip-address.js';
import type { ExchangeOnlineIpRangeList } from '../../model/case.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import { selectSmtpSets, type EndpointSet } from './endpoint-sets.js';
import { quoteForDiagnostic } from '../limits.js';

/**
 * A saved answer of the Microsoft 365 endpoints web service (FORMATS.md 7): the endpoint sets of
 * `/endpoints/<instance>`, or the `/version/<instance>` answer that dates them. Only the
 * Exchange Online SMTP sets are kept: the ranges EOP connects from on TCP 25 (EXO-SEMANTICS M7).
 */

export interface EndpointsRead {
  report: InputReport;
  list: ExchangeOnlineIpRangeList | null;
}

export interface EndpointsVersionRead {
  report: InputReport;
  instance: string | null;
  version: string | null;
}

/** The endpoint sets' array: the top level, or the `value` of PowerShell 5.1's wrapper for a re-serialized array. */
function endpointSets(data: unknown): unknown[] | null {
  if (Array.isArray(data)) return data;
  if (data !== null && typeof data === 'object' && Array.isArray((data as { value?: unknown }).value)) return (data as { value: unknown[] }).value;
  return null;
}

/** 1-based line of the first `"id": <id>` in the text, so a finding can cite the set. */
function lineOfSet(text: string, id: number): number | undefined {
  const m = new RegExp(`"id"\\s*:\\s*${id}(?![0-9])`).exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function readEndpoints(text: string, file: string): EndpointsRead {
  const diagnostics: Diagnostic[] = [];
  const report: InputReport = { file, kind: 'm365-endpoints', records: 0, skipped: 0, diagnostics };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    diagnostics.push({ severity: 'error', location: file, message: `${file}: endpoints JSON does not parse: ${(e as Error).message}` });
    return { report, list: null };
  }
  const sets = endpointSets(data);
  if (!sets) {
    diagnostics.push({ severity: 'error', location: file, message: `${file}: not a list of endpoint sets` });
    return { report, list: null };
  }
  report.records = sets.length;
  const smtp = selectSmtpSets(sets as EndpointSet[]);
  const ranges: string[] = [];
  for (const set of smtp) {
    for (const ip of set.ips ?? []) {
      if (typeof ip === 'string' && parseIpRange(ip) !== null) {
        if (!ranges.includes(ip)) ranges.push(ip);
      } else {
        diagnostics.push({ severity: 'warning', location: locate(file, text, set.id), message: `endpoint set ${set.id}: ${quoteForDiagnostic(JSON.stringify(ip))} is not an IP range; skipped` });
      }
    }
  }
  if (ranges.length === 0) {
    diagnostics.push({
      severity: 'warning',
      location: file,
      message: `${file}: no Exchange Online SMTP endpoint set with addresses (serviceArea Exchange, TCP 25, *.mail.protection.* URLs); the shipped list of ranges is used. Download the whole list: https://endpoints.office.com/endpoints/Worldwide?ClientRequestId=<guid>`,
    });
    return { report, list: null };
  }
  if (!ranges.some((r) => r.includes(':'))) {
    diagnostics.push({ severity: 'warning', location: file, message: `${file}: no IPv6 ranges (downloaded with NoIPv6?); IPv6 coverage of connectors is not checked against this list` });
  }
  const first = smtp[0] as EndpointSet;
  const line = lineOfSet(text, first.id as number);
  return {
    report,
    list: {
      ranges,
      endpointSetIds: smtp.map((s) => s.id as number),
      instance: null,
      version: null,
      provenance: line === undefined ? { file } : { file, line },
    },
  };
}

function locate(file: string, text: string, id: unknown): string {
  const line = typeof id === 'number' ? lineOfSet(text, id) : undefined;
  return line === undefined ? file : `${file}:${line}`;
}

export function readEndpointsVersion(text: string, file: string): EndpointsVersionRead {
  const report: InputReport = { file, kind: 'm365-endpoints-version', records: 1, skipped: 0, diagnostics: [] };
  try {
    const data = JSON.parse(text) as { instance?: unknown; latest?: unknown };
    const instance = typeof data.instance === 'string' ? data.instance : null;
    const version = typeof data.latest === 'string' || typeof data.latest === 'number' ? String(data.latest) : null;
    return { report, instance, version };
  } catch (e) {
    report.records = 0;
    report.diagnostics.push({ severity: 'error', location: file, message: `${file}: endpoints version JSON does not parse: ${(e as Error).message}` });
    return { report, instance: null, version: null };
  }
}


