import type { Provenance } from '../../model/provenance.js';

/**
 * One PowerShell object as an export carries it, before it is recognised as a Get-* result:
 * the common shape every export reader (ConvertTo-Json from Windows PowerShell 5.1 or 7,
 * Export-Csv, Export-Clixml) produces, so recognition and mapping to the model are written once.
 */
export type PsValue = string | number | boolean | null | PsValue[] | PsObjectValue;

/** A nested object value (an AD reference, an IP range, a wrapped enum …), property → value. */
export interface PsObjectValue {
  [property: string]: PsValue;
}

export interface PsRecord {
  /** Property name → value, exactly as the export spelt the name. */
  properties: Record<string, PsValue>;
  /**
   * .NET type names when the export says (`#TYPE` line of Export-Csv, `<TN>` of Export-Clixml,
   * `pstypenames` is never in JSON): most specific first, e.g.
   * `Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector`.
   */
  typeNames: string[];
  /** How the values arrived: strings only (CSV), deserialized (CLIXML / PS remoting), or live objects with enums as numbers (5.1 JSON). */
  shape: 'json-ps51' | 'json-ps7' | 'csv' | 'clixml';
  /** Where the object starts in its file (line for JSON/CSV/CLIXML). */
  provenance: Provenance;
  /**
   * Properties whose values the export threw away and wrote as a type name instead (Export-Csv
   * writes a list as `System.String[]`); they are left out of `properties` so nothing reads the
   * type name as data, and named here so the loss can be reported with the command to use instead.
   */
  lost?: string[];
}

/** What one export reader yields for one file. */
export interface PsReadResult {
  records: PsRecord[];
  /** Records the reader could not use (broken rows, unparsable objects), each with a diagnostic. */
  skipped: number;
  diagnostics: { severity: 'error' | 'warning'; location: string; message: string }[];
}
