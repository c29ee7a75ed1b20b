import type { Case, ExchangeOnlineIpRangeList } from '../../model/case.js';
import type { InputReport } from '../../model/diagnostics.js';
import { readEndpoints, readEndpointsVersion } from './read-endpoints.js';

/**
 * Gathers the endpoints files of a case into one list of Exchange Online SMTP ranges. A saved
 * `/version` answer dates the list. Several lists: the last file read is used; the others are
 * named as superseded, never merged (each list is a whole snapshot, not a delta).
 */
export class EndpointsCollector {
  private lists: { list: ExchangeOnlineIpRangeList; report: InputReport }[] = [];
  private versions: { instance: string | null; version: string | null; report: InputReport }[] = [];

  add(kind: 'endpoints' | 'endpoints-version', text: string, file: string): InputReport {
    if (kind === 'endpoints-version') {
      const read = readEndpointsVersion(text, file);
      if (read.version !== null) this.versions.push({ ...read });
      return read.report;
    }
    const read = readEndpoints(text, file);
    if (read.list) this.lists.push({ list: read.list, report: read.report });
    return read.report;
  }

  finish(c: Case): void {
    const dated = this.versions.length === 1 ? this.versions[0] : undefined;
    for (const v of this.versions) {
      if (this.lists.length === 0) {
        warn(v.report, 'a /version answer without an endpoints list in the case; it dates nothing');
      } else if (this.versions.length > 1) {
        warn(v.report, `${this.versions.length} /version answers in the case; which one dates the list is unknown, so none is used`);
      }
    }
    if (dated) {
      for (const { list } of this.lists) {
        list.instance = dated.instance;
        list.version = dated.version;
      }
    }
    const chosen = this.lists.at(-1);
    for (const x of this.lists) {
      if (x !== chosen) warn(x.report, `superseded by ${chosen?.report.file}: only one endpoints list is used`);
    }
    if (chosen) c.exchangeOnlineIpRanges = chosen.list;
  }
}

function warn(report: InputReport, text: string): void {
  report.diagnostics.push({ severity: 'warning', location: report.file, message: `${report.file}: ${text}` });
}
