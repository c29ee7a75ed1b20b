import { ONLINE_EXPORTS, ONLINE_FOLDER } from './collected-exports.js';
import { indent } from './ps-text.js';
import { saveExportLines } from './script-onprem.js';

/**
 * The Exchange Online part: Connect-ExchangeOnline once, or once per delegated tenant for a
 * partner (-DelegatedOrganization), each tenant into `online/<initial domain>` — the tenant's
 * name in the case, which placement matches (and a `sources:` entry says the same).
 */
export function onlinePart(): string[] {
  const exports = ONLINE_EXPORTS.flatMap((e) => saveExportLines(e, `'${e.file}'`, '$where'));
  return [
    'function Save-TenantExports {',
    '    param([string]$Delegated)',
    '    $tenant = $Delegated',
    '    try {',
    '        $initial = @(Get-AcceptedDomain -ErrorAction Stop | Where-Object { $_.InitialDomain })',
    '        if ($initial.Count -gt 0) { $tenant = [string]$initial[0].DomainName }',
    "    } catch { Write-CollectLog -Level 'ERROR' -Where 'online' -Step 'Get-AcceptedDomain' -Text $_.Exception.Message }",
    "    if ([string]::IsNullOrWhiteSpace($tenant)) { $tenant = 'tenant' }",
    `    $where = '${ONLINE_FOLDER}/' + (ConvertTo-FolderName $tenant)`,
    '    $folder = Join-Path -Path $OutputFolder -ChildPath $where',
    '    $null = New-Item -ItemType Directory -Force -Path $folder',
    '    [void]$script:Sources.Add(@{ Path = $where; Target = $tenant })',
    '',
    ...indent(exports, 4),
    '    try { foreach ($d in @(Get-AcceptedDomain -ErrorAction Stop)) { Add-MxDomain -Domain ([string]$d.DomainName) } }',
    "    catch { Write-CollectLog -Level 'ERROR' -Where $where -Step 'Get-AcceptedDomain' -Text $_.Exception.Message }",
    '    if ($MessageTraceDays -gt 0) { Save-MessageTrace -Folder $folder -Where $where -Days $MessageTraceDays }',
    '}',
    '',
    ...messageTraceFunction(),
    ...connectLoop(),
  ];
}

/**
 * Get-MessageTraceV2 answers at most 5000 rows and 10 days per query and has no paging of its own:
 * Microsoft's documented way to the next rows is to query again with -EndDate set to the last
 * row's Received time and -StartingRecipientAddress to its RecipientAddress. Longer periods are
 * split into windows of 10 days. Rows are flat, so Export-Csv keeps them whole (the trace reader
 * reads the CSV as a stream).
 */
function messageTraceFunction(): string[] {
  return String.raw`
function Save-MessageTrace {
    param([string]$Folder, [string]$Where, [int]$Days)
    if (-not (Test-Cmdlet -Name 'Get-MessageTraceV2')) {
        Write-CollectLog -Level 'ERROR' -Where $Where -Step 'Get-MessageTraceV2' -Text 'not available: update the ExchangeOnlineManagement module'
        return
    }
    $target = Join-Path -Path $Folder -ChildPath 'message-trace.csv'
    $pageSize = 5000
    $end = (Get-Date).ToUniversalTime()
    $start = $end.AddDays(-$Days)
    $rows = 0
    try {
        $windowEnd = $end
        while ($windowEnd -gt $start) {
            $windowStart = $windowEnd.AddDays(-10)
            if ($windowStart -lt $start) { $windowStart = $start }
            $query = @{ StartDate = $windowStart; EndDate = $windowEnd; ResultSize = $pageSize; ErrorAction = 'Stop' }
            for ($page = 0; $page -lt 1000; $page++) {
                $result = @(Get-MessageTraceV2 @query)
                if ($result.Count -gt 0) {
                    $result | Export-Csv -LiteralPath $target -NoTypeInformation -Encoding UTF8 -Append -ErrorAction Stop
                    $rows += $result.Count
                }
                if ($result.Count -lt $pageSize) { break }
                $last = $result[$result.Count - 1]
                $query['EndDate'] = $last.Received
                $query['StartingRecipientAddress'] = [string]$last.RecipientAddress
            }
            $windowEnd = $windowStart
        }
        Write-CollectLog -Level 'INFO' -Where $Where -Step 'Get-MessageTraceV2' -Text ('{0} row(s) of {1} day(s) saved in message-trace.csv' -f $rows, $Days)
    } catch {
        Write-CollectLog -Level 'ERROR' -Where $Where -Step 'Get-MessageTraceV2' -Text ('after {0} row(s): {1}' -f $rows, $_.Exception.Message)
    }
}
`.trim().split('\n').concat(['']);
}

/** Connect, collect, disconnect — per delegated tenant, or once for the signed-in admin's own tenant. */
function connectLoop(): string[] {
  return String.raw`
function Invoke-OnlineCollection {
    if (-not (Test-Cmdlet -Name 'Connect-ExchangeOnline')) {
        try { Import-Module -Name ExchangeOnlineManagement -ErrorAction Stop }
        catch {
            Write-CollectLog -Level 'ERROR' -Where 'online' -Step 'Import-Module ExchangeOnlineManagement' -Text ('the module is needed (Install-Module ExchangeOnlineManagement): ' + $_.Exception.Message)
            return
        }
    }
    $targets = @($DelegatedOrganization | Where-Object { -not [string]::IsNullOrWhiteSpace($_) })
    if ($targets.Count -eq 0) { $targets = @('') }
    foreach ($delegated in $targets) {
        $connect = @{ ShowBanner = $false; ErrorAction = 'Stop' }
        if (-not [string]::IsNullOrWhiteSpace($UserPrincipalName)) { $connect['UserPrincipalName'] = $UserPrincipalName }
        if ($delegated -ne '') { $connect['DelegatedOrganization'] = $delegated }
        try {
            Connect-ExchangeOnline @connect
        } catch {
            Write-CollectLog -Level 'ERROR' -Where ('online/' + $delegated) -Step 'Connect-ExchangeOnline' -Text $_.Exception.Message
            continue
        }
        try {
            Save-TenantExports -Delegated $delegated
        } finally {
            try { Disconnect-ExchangeOnline -Confirm:$false -ErrorAction Stop }
            catch { Write-CollectLog -Level 'ERROR' -Where ('online/' + $delegated) -Step 'Disconnect-ExchangeOnline' -Text $_.Exception.Message }
        }
    }
}
`.trim().split('\n').concat(['']);
}
