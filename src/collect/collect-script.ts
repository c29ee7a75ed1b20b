import type { CollectOptions } from './collect-options.js';
import { scriptHeader } from './script-header.js';
import { scriptHelpers } from './script-helpers.js';
import { onlinePart } from './script-online.js';
import { onPremisesPart } from './script-onprem.js';
import { archivePart, topologyPart } from './script-topology.js';

/**
 * The PowerShell script `mailflow-doctor collect-script` prints (issue 16 item 4): it gathers
 * everything the readers take — the Exchange Management Shell side, the Exchange Online side or
 * both — with read-only cmdlets, each object whole (Export-Clixml), writes what no cmdlet knows
 * into topology.yaml and zips the folder. Pure: the same options give the same text.
 */
export function collectScript(o: CollectOptions): string {
  const onprem = o.side !== 'online';
  const online = o.side !== 'onprem';
  const run: string[] = [];
  if (onprem) run.push(o.side === 'both' ? 'if (-not $SkipOnPremises) { Invoke-OnPremisesCollection }' : 'Invoke-OnPremisesCollection');
  if (online) run.push(o.side === 'both' ? 'if (-not $SkipOnline) { Invoke-OnlineCollection }' : 'Invoke-OnlineCollection');
  const lines = [
    ...scriptHeader(o),
    ...scriptHelpers(),
    ...(onprem ? onPremisesPart() : []),
    ...(online ? onlinePart() : []),
    ...topologyPart(),
    ...archivePart(),
    '# The collection itself.',
    ...run,
    'Write-Topology',
    "Write-CollectLog -Level 'INFO' -Where 'collection' -Step 'done' -Text ('folder ' + $OutputFolder)",
    'if (-not $NoZip) { Compress-Collection }',
    '',
  ];
  // CRLF: Windows PowerShell 5.1's editors and Get-Content expect it, and pwsh reads either.
  return lines.join('\n').replace(/\r?\n/g, '\r\n');
}
