import { COLLECT_LOG_FILE } from './collected-exports.js';

/**
 * The functions every part of the script uses: the log, the folder names, the export of one
 * cmdlet's objects and YAML quoting. Written for Windows PowerShell 5.1 and PowerShell 7 alike.
 */
export function scriptHelpers(): string[] {
  return String.raw`
if ([string]::IsNullOrWhiteSpace($OutputFolder)) {
    $OutputFolder = Join-Path -Path (Get-Location).Path -ChildPath ('mailflow-evidence-' + (Get-Date -Format 'yyyyMMdd-HHmmss'))
}
$null = New-Item -ItemType Directory -Force -Path $OutputFolder -ErrorAction Stop
$OutputFolder = (Resolve-Path -LiteralPath $OutputFolder).Path
$script:LogFile = Join-Path -Path $OutputFolder -ChildPath '${COLLECT_LOG_FILE}'
$script:Sources = New-Object System.Collections.ArrayList
$script:Servers = New-Object System.Collections.ArrayList
$script:MxDomains = New-Object System.Collections.ArrayList
$script:LastExport = @()

# One line per step: time, INFO or ERROR, where (folder), step (the cmdlet), text. Tab-separated.
function Write-CollectLog {
    param([string]$Level, [string]$Where, [string]$Step, [string]$Text)
    $stamp = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    $line = @($stamp, $Level, $Where, $Step, ($Text -replace '\s+', ' ')) -join [char]9
    Add-Content -LiteralPath $script:LogFile -Value $line -Encoding UTF8
    if ($Level -eq 'ERROR') { Write-Warning ('{0} [{1}]: {2}' -f $Step, $Where, $Text) }
    else { Write-Host ('{0} [{1}]: {2}' -f $Step, $Where, $Text) }
}

# A folder name from an organization, tenant or server name (characters Windows refuses replaced).
function ConvertTo-FolderName {
    param([string]$Name)
    $clean = ($Name -replace '[\\/:*?"<>|\x00-\x1f]', '_').Trim().TrimEnd('.')
    if ($clean -eq '') { $clean = 'unnamed' }
    return $clean
}

# Runs one read-only command and saves every object it returns, whole, with Export-Clixml (no
# Select-Object: the readers need properties a narrowed object would lose). A failure is logged
# and the script goes on. The objects stay in $script:LastExport for the caller.
function Save-Export {
    param([string]$Folder, [string]$Where, [string]$File, [string]$Step, [scriptblock]$Command)
    $script:LastExport = @()
    $target = Join-Path -Path $Folder -ChildPath $File
    try {
        $objects = @(& $Command)
        $objects | Export-Clixml -LiteralPath $target -Depth 6 -ErrorAction Stop
        $script:LastExport = $objects
        Write-CollectLog -Level 'INFO' -Where $Where -Step $Step -Text ('{0} object(s) saved in {1}' -f $objects.Count, $File)
    } catch {
        Write-CollectLog -Level 'ERROR' -Where $Where -Step $Step -Text $_.Exception.Message
    }
}

# A cmdlet that exists only in some versions or tenants.
function Test-Cmdlet {
    param([string]$Name)
    return [bool](Get-Command -Name $Name -ErrorAction SilentlyContinue)
}

# A YAML scalar in single quotes (a quote inside is doubled), so no name can break the file.
function ConvertTo-YamlText {
    param([string]$Text)
    return "'" + ($Text -replace "'", "''") + "'"
}

# Domains whose MX records are looked up at the end (accepted domains; not *.onmicrosoft.com).
function Add-MxDomain {
    param([string]$Domain)
    $d = $Domain.Trim().TrimStart('*').TrimStart('.').ToLowerInvariant()
    if ($d -eq '' -or $d -like '*.onmicrosoft.com' -or $script:MxDomains.Contains($d)) { return }
    [void]$script:MxDomains.Add($d)
}
`.trim().split('\n').concat(['']);
}
