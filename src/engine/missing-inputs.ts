import type { Case, Organization, Tenant } from '../model/case.js';
import { wasGiven } from '../model/given-properties.js';

/**
 * Connector lists the case holds empty because they were never given, as opposed to an export or a
 * topology list that says there are none (CONTRACT.md "Extensions (v1.1)": a value the case does
 * not hold is unknown, not false). A reader marks a list it read as given (given-properties.ts);
 * objects not made by a reader count as given. An empty export names no cmdlet, so one whose file
 * name says what it holds (the collection script's `send-connectors.xml`, `Get-OutboundConnector.xml`)
 * counts as the export that says "none".
 */

const emptyExportsByCase = new WeakMap<Case, string[]>();

function emptyExportNamed(c: Case, name: RegExp): boolean {
  let names = emptyExportsByCase.get(c);
  if (names === undefined) {
    names = c.inputs.filter((r) => r.kind === 'empty-export').map((r) => r.file.split(/[\\/]/).pop() ?? '');
    emptyExportsByCase.set(c, names);
  }
  return names.some((n) => name.test(n));
}

/** What is missing when an organization's send connectors were not given, and how to supply it; null when they were. */
export function sendConnectorsUnknown(c: Case, o: Organization): string | null {
  if (o.SendConnectors.length > 0 || wasGiven(o, 'SendConnectors') || emptyExportNamed(c, /send[-_ ]?connector/i)) return null;
  return `the case holds none of ${o.Name}'s send connectors (no Get-SendConnector export was given): add Get-SendConnector | Export-Clixml send-connectors.xml (Exchange Management Shell) to the case`;
}

/** The same for a tenant's outbound connectors. */
export function outboundConnectorsUnknown(c: Case, t: Tenant): string | null {
  if (t.OutboundConnectors.length > 0 || wasGiven(t, 'OutboundConnectors') || emptyExportNamed(c, /outbound[-_ ]?connector/i)) return null;
  return `the case holds none of ${t.Name}'s outbound connectors (no Get-OutboundConnector export was given): add Get-OutboundConnector | Export-Clixml outbound-connectors.xml (Exchange Online PowerShell) to the case`;
}
