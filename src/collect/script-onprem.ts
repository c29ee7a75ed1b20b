import { ONPREM_EXPORTS, ONPREM_FOLDER, ONPREM_SERVER_EXPORTS, TRANSPORT_SERVICE_EXPORT, type CollectedExport } from './collected-exports.js';
import { indent, psString } from './ps-text.js';

/**
 * `Save-Export … -Command { … }` for one export; guarded by its switch or by Get-Command. The block
 * runs inside Save-Export, whose own variables ($Folder, $Where, $File, $Step, $Command, $target,
 * $objects) a block must not use: it sees the caller's (`$serverName`) by PowerShell's dynamic scope.
 */
export function saveExportLines(e: CollectedExport, fileExpression: string, where: string): string[] {
  // The cmdlet names the step in the log (the transport export tries Get-TransportService first).
  const step = psString(/Get-(?!Command\b)[A-Za-z]+/.exec(e.command)?.[0] ?? e.command);
  const block = `{ ${e.command} }`;
  const call = `Save-Export -Folder $folder -Where ${where} -File ${fileExpression} -Step ${step} -Command ${block}`;
  const cmdlet = e.ifAvailable;
  const guarded = cmdlet
    ? [
        `if (Test-Cmdlet -Name ${psString(cmdlet)}) {`,
        `    ${call}`,
        '} else {',
        `    Write-CollectLog -Level 'INFO' -Where ${where} -Step ${psString(cmdlet)} -Text 'not available here: skipped'`,
        '}',
      ]
    : [call];
  return e.when ? [`if ($${e.when}) {`, ...indent(guarded, 4), '}'] : guarded;
}

/**
 * The Exchange Management Shell part: one folder `onprem/<organization>` (its name is what placement
 * matches, and a `sources:` entry in topology.yaml says the same), organization-wide exports, then
 * per server receive connectors and certificates (an Edge Transport server is not reachable from
 * the organization: the script is run on it separately), then the optional queues and protocol logs.
 */
export function onPremisesPart(): string[] {
  const organizationWide = ONPREM_EXPORTS.flatMap((e) => saveExportLines(e, psString(e.file), '$where'));
  const perServer = ONPREM_SERVER_EXPORTS.flatMap((e) =>
    saveExportLines(e, `('${e.file.replace('{server}', "' + (ConvertTo-FolderName $serverName) + '")}')`, '$where'),
  );
  return [
    'function Invoke-OnPremisesCollection {',
    "    if (-not (Test-Cmdlet -Name 'Get-SendConnector')) {",
    "        Write-CollectLog -Level 'ERROR' -Where 'onprem' -Step 'Exchange Management Shell' -Text 'Get-SendConnector is not available: run this part in the Exchange Management Shell'",
    '        return',
    '    }',
    '    $orgName = $OrganizationName',
    '    if ([string]::IsNullOrWhiteSpace($orgName)) {',
    '        try { $orgName = [string](Get-OrganizationConfig -ErrorAction Stop).Name }',
    "        catch { Write-CollectLog -Level 'ERROR' -Where 'onprem' -Step 'Get-OrganizationConfig' -Text $_.Exception.Message }",
    '    }',
    '    if ([string]::IsNullOrWhiteSpace($orgName) -and -not $NoPrompt) {',
    "        $orgName = Read-Host 'Organization name, as Get-OrganizationConfig shows it in the organization (an Edge server has none)'",
    '    }',
    '    if ([string]::IsNullOrWhiteSpace($orgName)) { $orgName = $env:COMPUTERNAME }',
    `    $where = '${ONPREM_FOLDER}/' + (ConvertTo-FolderName $orgName)`,
    '    $folder = Join-Path -Path $OutputFolder -ChildPath $where',
    '    $null = New-Item -ItemType Directory -Force -Path $folder',
    '    [void]$script:Sources.Add(@{ Path = $where; Target = $orgName })',
    '',
    ...indent(organizationWide, 4),
    ...indent(saveExportLines(TRANSPORT_SERVICE_EXPORT, psString(TRANSPORT_SERVICE_EXPORT.file), '$where'), 4),
    '',
    '    # Accepted domains: their MX records are looked up at the end.',
    '    try { foreach ($d in @(Get-AcceptedDomain -ErrorAction Stop)) { Add-MxDomain -Domain ([string]$d.DomainName) } }',
    "    catch { Write-CollectLog -Level 'ERROR' -Where $where -Step 'Get-AcceptedDomain' -Text $_.Exception.Message }",
    '',
    '    $servers = @()',
    '    try { $servers = @(Get-ExchangeServer -ErrorAction Stop) }',
    "    catch { Write-CollectLog -Level 'ERROR' -Where $where -Step 'Get-ExchangeServer' -Text $_.Exception.Message }",
    '    foreach ($server in $servers) {',
    '        $serverName = [string]$server.Name',
    '        [void]$script:Servers.Add(@{ Organization = $orgName; Name = $serverName })',
    '        if ($server.IsEdgeServer -and $servers.Count -gt 1) {',
    "            Write-CollectLog -Level 'INFO' -Where $where -Step $serverName -Text 'Edge Transport server: run this script on it to collect its connectors and certificates'",
    '            continue',
    '        }',
    ...indent(perServer, 8),
    '        if ($IncludeQueues) {',
    "            Save-Export -Folder $folder -Where $where -File ('queues-' + (ConvertTo-FolderName $serverName) + '.xml') -Step 'Get-Queue' -Command { Get-Queue -Server $serverName -ErrorAction Stop }",
    "            Save-Export -Folder $folder -Where $where -File ('queued-messages-' + (ConvertTo-FolderName $serverName) + '.xml') -Step 'Get-Message' -Command { Get-Message -Server $serverName -ResultSize 1000 -ErrorAction Stop }",
    '        }',
    '    }',
    '    if ($ProtocolLogDays -gt 0) { Copy-ProtocolLogs -Folder $folder -Where $where -Days $ProtocolLogDays }',
    '}',
    '',
    ...protocolLogFunctions(),
  ];
}

/**
 * SMTP protocol logs as Exchange wrote them (the logs reader reads the .LOG files unchanged): the
 * paths come from the transport services (Hub: SmtpSend/SmtpReceive; FrontEnd: the receive log of
 * mail arriving from Exchange Online), read over the administrative share on other servers.
 */
function protocolLogFunctions(): string[] {
  return String.raw`
function ConvertTo-ServerPath {
    param([string]$Server, [string]$Path)
    if ($Server -ieq $env:COMPUTERNAME -or $Path -notmatch '^[A-Za-z]:\\') { return $Path }
    return '\\' + $Server + '\' + $Path.Substring(0, 1) + '$' + $Path.Substring(2)
}

function Copy-ProtocolLogs {
    param([string]$Folder, [string]$Where, [int]$Days)
    $since = (Get-Date).AddDays(-$Days)
    $logs = New-Object System.Collections.ArrayList
    $services = @()
    try { $services += @(Get-TransportService -ErrorAction Stop | ForEach-Object { @{ Kind = 'Hub'; Service = $_ } }) }
    catch { Write-CollectLog -Level 'ERROR' -Where $Where -Step 'Get-TransportService' -Text $_.Exception.Message }
    if (Test-Cmdlet -Name 'Get-FrontendTransportService') {
        try { $services += @(Get-FrontendTransportService -ErrorAction Stop | ForEach-Object { @{ Kind = 'FrontEnd'; Service = $_ } }) }
        catch { Write-CollectLog -Level 'ERROR' -Where $Where -Step 'Get-FrontendTransportService' -Text $_.Exception.Message }
    }
    foreach ($s in $services) {
        $t = $s.Service
        [void]$logs.Add(@{ Server = [string]$t.Name; Name = $s.Kind + '-SmtpSend'; Path = [string]$t.SendProtocolLogPath })
        [void]$logs.Add(@{ Server = [string]$t.Name; Name = $s.Kind + '-SmtpReceive'; Path = [string]$t.ReceiveProtocolLogPath })
    }
    foreach ($log in $logs) {
        if ([string]::IsNullOrWhiteSpace($log.Path)) { continue }
        $source = ConvertTo-ServerPath -Server $log.Server -Path $log.Path
        $target = Join-Path -Path $Folder -ChildPath ('protocol-logs\' + (ConvertTo-FolderName $log.Server) + '\' + $log.Name)
        try {
            $files = @(Get-ChildItem -LiteralPath $source -Filter '*.LOG' -ErrorAction Stop | Where-Object { -not $_.PSIsContainer -and $_.LastWriteTime -ge $since })
            if ($files.Count -gt 0) { $null = New-Item -ItemType Directory -Force -Path $target }
            foreach ($file in $files) { Copy-Item -LiteralPath $file.FullName -Destination $target -ErrorAction Stop }
            Write-CollectLog -Level 'INFO' -Where $Where -Step ('protocol logs ' + $log.Name) -Text ('{0} file(s) from {1}' -f $files.Count, $source)
        } catch {
            Write-CollectLog -Level 'ERROR' -Where $Where -Step ('protocol logs ' + $log.Name) -Text $_.Exception.Message
        }
    }
}
`.trim().split('\n').concat(['']);
}
