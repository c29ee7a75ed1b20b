import { COLLECT_TOPOLOGY_FILE } from './collected-exports.js';

/**
 * What no cmdlet knows, into topology.yaml (kind: mailflow-topology, src/ingest/topology/schema.ts):
 * - `sources:` — each collected folder and the organization or tenant it holds, so placement
 *   never has to guess from a folder name (src/ingest/powershell/placement.ts);
 * - the public IP addresses each server sends from after NAT (`organizations[].Servers[].IPAddresses`):
 *   Exchange Online attributes by the address it sees, which no Exchange cmdlet reports;
 * - MX (and the MX hosts' A) records of the accepted domains, by Resolve-DnsName (`dns:`).
 * Every scalar is single-quoted YAML, so no name can break the file.
 */
export function topologyPart(): string[] {
  return String.raw`
function Read-PublicAddresses {
    $result = @{}
    foreach ($server in $script:Servers) {
        $name = [string]$server.Name
        $text = ''
        if ($PublicIPAddress.ContainsKey($name)) { $text = [string]($PublicIPAddress[$name] -join ',') }
        elseif (-not $NoPrompt) { $text = Read-Host ('Public IP address(es) {0} sends mail from after NAT, comma-separated (Enter: skip)' -f $name) }
        $addresses = @()
        foreach ($part in @($text -split '[,; ]+')) {
            if ($part -eq '') { continue }
            $parsed = $null
            if ([System.Net.IPAddress]::TryParse($part, [ref]$parsed)) { $addresses += $parsed.ToString() }
            else { Write-CollectLog -Level 'ERROR' -Where 'topology' -Step $name -Text ('not an IP address, left out: ' + $part) }
        }
        if ($addresses.Count -gt 0) { $result[$name] = $addresses }
    }
    return $result
}

function Resolve-MailRecords {
    $records = @{ MX = [ordered]@{}; A = [ordered]@{} }
    foreach ($d in $MxDomain) { Add-MxDomain -Domain $d }
    if ($script:MxDomains.Count -eq 0) { return $records }
    if (-not (Test-Cmdlet -Name 'Resolve-DnsName')) {
        Write-CollectLog -Level 'ERROR' -Where 'topology' -Step 'Resolve-DnsName' -Text 'not available (Windows only): add dns: MX to topology.yaml by hand'
        return $records
    }
    foreach ($domain in $script:MxDomains) {
        try {
            $hosts = @(Resolve-DnsName -Name $domain -Type MX -DnsOnly -ErrorAction Stop | Where-Object { $_.Type -eq 'MX' } | Sort-Object -Property Preference | ForEach-Object { ([string]$_.NameExchange).TrimEnd('.') })
            if ($hosts.Count -eq 0) { continue }
            $records.MX[$domain] = $hosts
            foreach ($mxHost in $hosts) {
                if ($records.A.Contains($mxHost)) { continue }
                $ips = @(Resolve-DnsName -Name $mxHost -Type A -DnsOnly -ErrorAction Stop | Where-Object { $_.Type -eq 'A' } | ForEach-Object { [string]$_.IPAddress })
                if ($ips.Count -gt 0) { $records.A[$mxHost] = $ips }
            }
        } catch {
            Write-CollectLog -Level 'ERROR' -Where 'topology' -Step ('Resolve-DnsName ' + $domain) -Text $_.Exception.Message
        }
    }
    return $records
}

function ConvertTo-YamlList {
    param([object[]]$Items)
    return '[' + ((@($Items) | ForEach-Object { ConvertTo-YamlText -Text ([string]$_) }) -join ', ') + ']'
}

function Write-Topology {
    $public = Read-PublicAddresses
    $dns = Resolve-MailRecords
    $lines = New-Object System.Collections.Generic.List[string]
    $lines.Add('# Written by Collect-MailflowEvidence.ps1: what no cmdlet reports. Edit freely.')
    $lines.Add('kind: mailflow-topology')
    $lines.Add('version: 1')
    if ($script:Sources.Count -gt 0) {
        $lines.Add('sources:')
        foreach ($s in $script:Sources) { $lines.Add('  ' + (ConvertTo-YamlText -Text $s.Path) + ': ' + (ConvertTo-YamlText -Text $s.Target)) }
    }
    $organizations = @($script:Servers | Where-Object { $public.ContainsKey([string]$_.Name) } | ForEach-Object { [string]$_.Organization } | Select-Object -Unique)
    if ($organizations.Count -gt 0) {
        $lines.Add('organizations:')
        foreach ($org in $organizations) {
            $lines.Add('  - Name: ' + (ConvertTo-YamlText -Text $org))
            $lines.Add('    Servers:')
            foreach ($server in @($script:Servers | Where-Object { [string]$_.Organization -eq $org -and $public.ContainsKey([string]$_.Name) })) {
                $lines.Add('      - Name: ' + (ConvertTo-YamlText -Text ([string]$server.Name)))
                $lines.Add('        IPAddresses: ' + (ConvertTo-YamlList -Items $public[[string]$server.Name]))
            }
        }
    }
    if ($dns.MX.Count -gt 0) {
        $lines.Add('dns:')
        $lines.Add('  MX:')
        foreach ($key in $dns.MX.Keys) { $lines.Add('    ' + (ConvertTo-YamlText -Text $key) + ': ' + (ConvertTo-YamlList -Items $dns.MX[$key])) }
        if ($dns.A.Count -gt 0) {
            $lines.Add('  A:')
            foreach ($key in $dns.A.Keys) { $lines.Add('    ' + (ConvertTo-YamlText -Text $key) + ': ' + (ConvertTo-YamlList -Items $dns.A[$key])) }
        }
    }
    $path = Join-Path -Path $OutputFolder -ChildPath '${COLLECT_TOPOLOGY_FILE}'
    Set-Content -LiteralPath $path -Value $lines.ToArray() -Encoding UTF8
    Write-CollectLog -Level 'INFO' -Where 'topology' -Step 'topology.yaml' -Text ('{0} source(s), {1} server(s) with public addresses, {2} MX domain(s)' -f $script:Sources.Count, $public.Count, $dns.MX.Count)
}
`.trim().split('\n').concat(['']);
}

/** Compress-Archive of the folder: the one file to hand over (diagnose reads it as it is). */
export function archivePart(): string[] {
  return String.raw`
function Compress-Collection {
    $zip = $OutputFolder.TrimEnd('\', '/') + '.zip'
    try {
        Compress-Archive -Path (Join-Path -Path $OutputFolder -ChildPath '*') -DestinationPath $zip -Force -ErrorAction Stop
        Write-Host ('Collected into {0}. Next: mailflow-doctor diagnose "{0}"' -f $zip)
    } catch {
        Write-CollectLog -Level 'ERROR' -Where 'zip' -Step 'Compress-Archive' -Text $_.Exception.Message
        Write-Host ('Collected into {0}. Next: mailflow-doctor diagnose "{0}"' -f $OutputFolder)
    }
}
`.trim().split('\n').concat(['']);
}
