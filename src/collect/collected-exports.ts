import type { ExportKind } from '../ingest/powershell/export-kinds.js';

/**
 * The exports the collection script writes with Export-Clixml, one per cmdlet, whole objects
 * (Export-Clixml keeps every property and its type: FORMATS.md 4.4). The readers recognise each
 * file by its content (export-kinds.ts), so the names are for people; they are the names the
 * manual (docs/collect-evidence.md) shows.
 */
export interface CollectedExport {
  kind: ExportKind;
  /** File name in the side's folder. `{server}` is replaced by the server's name where the cmdlet runs per server. */
  file: string;
  /** The PowerShell that returns the objects (read-only Get-* only; `-ErrorAction Stop` so a failure is caught and logged). */
  command: string;
  /** Exports only asked for by a switch of the script. */
  when?: 'IncludeRecipients' | 'IncludeQueues';
  /** Cmdlets that exist only in some tenants or versions: called when Get-Command finds them. */
  ifAvailable?: string;
}

/** Exchange Management Shell, organization-wide. */
export const ONPREM_EXPORTS: readonly CollectedExport[] = [
  { kind: 'OrganizationConfig', file: 'organization-config.xml', command: 'Get-OrganizationConfig -ErrorAction Stop' },
  { kind: 'ExchangeServer', file: 'servers.xml', command: 'Get-ExchangeServer -ErrorAction Stop' },
  { kind: 'SendConnector', file: 'send-connectors.xml', command: 'Get-SendConnector -ErrorAction Stop' },
  { kind: 'AcceptedDomain', file: 'accepted-domains.xml', command: 'Get-AcceptedDomain -ErrorAction Stop' },
  { kind: 'RemoteDomain', file: 'remote-domains.xml', command: 'Get-RemoteDomain -ErrorAction Stop' },
  { kind: 'HybridConfiguration', file: 'hybrid-configuration.xml', command: 'Get-HybridConfiguration -ErrorAction Stop', ifAvailable: 'Get-HybridConfiguration' },
  { kind: 'JournalRule', file: 'journal-rules.xml', command: 'Get-JournalRule -ErrorAction Stop', ifAvailable: 'Get-JournalRule' },
  { kind: 'Recipient', file: 'recipients.xml', command: 'Get-Recipient -ResultSize Unlimited -ErrorAction Stop', when: 'IncludeRecipients' },
];

/**
 * Exchange Management Shell, once per server (`$serverName` in the command): receive connectors and
 * certificates live on a server, and Get-ReceiveConnector without -Server lists the local server's only.
 */
export const ONPREM_SERVER_EXPORTS: readonly CollectedExport[] = [
  { kind: 'ReceiveConnector', file: 'receive-connectors-{server}.xml', command: 'Get-ReceiveConnector -Server $serverName -ErrorAction Stop' },
  { kind: 'ExchangeCertificate', file: 'certificates-{server}.xml', command: 'Get-ExchangeCertificate -Server $serverName -ErrorAction Stop' },
];

/** Transport services: Get-TransportService (2013 and later) or Get-TransportServer (2010). */
export const TRANSPORT_SERVICE_EXPORT: CollectedExport = {
  kind: 'TransportService',
  file: 'transport-services.xml',
  command:
    'if (Get-Command -Name Get-TransportService -ErrorAction SilentlyContinue) { Get-TransportService -ErrorAction Stop } else { Get-TransportServer -ErrorAction Stop }',
};

/** Exchange Online PowerShell, per tenant. */
export const ONLINE_EXPORTS: readonly CollectedExport[] = [
  { kind: 'OrganizationConfig', file: 'organization-config.xml', command: 'Get-OrganizationConfig -ErrorAction Stop' },
  { kind: 'InboundConnector', file: 'inbound-connectors.xml', command: 'Get-InboundConnector -ErrorAction Stop' },
  { kind: 'OutboundConnector', file: 'outbound-connectors.xml', command: 'Get-OutboundConnector -ErrorAction Stop' },
  { kind: 'AcceptedDomain', file: 'accepted-domains.xml', command: 'Get-AcceptedDomain -ErrorAction Stop' },
  { kind: 'RemoteDomain', file: 'remote-domains.xml', command: 'Get-RemoteDomain -ErrorAction Stop' },
  { kind: 'JournalRule', file: 'journal-rules.xml', command: 'Get-JournalRule -ErrorAction Stop' },
  { kind: 'BlockedConnector', file: 'blocked-connectors.xml', command: 'Get-BlockedConnector -ErrorAction Stop', ifAvailable: 'Get-BlockedConnector' },
  { kind: 'OnPremServerReportInfo', file: 'onprem-server-report.xml', command: 'Get-OnPremServerReportInfo -ErrorAction Stop', ifAvailable: 'Get-OnPremServerReportInfo' },
  { kind: 'Recipient', file: 'recipients.xml', command: 'Get-Recipient -ResultSize Unlimited -ErrorAction Stop', when: 'IncludeRecipients' },
];

/** Name of the log the script writes beside the exports (the zip reader turns its errors into diagnostics). */
export { COLLECT_LOG_FILE } from '../ingest/zip/collect-log.js';
/** The topology file the script writes (sources, public IPs, MX records). */
export const COLLECT_TOPOLOGY_FILE = 'topology.yaml';
/** Folders for each side inside the collection folder. */
export const ONPREM_FOLDER = 'onprem';
export const ONLINE_FOLDER = 'online';
