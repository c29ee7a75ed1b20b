import { COLLECT_LOG_FILE } from './collected-exports.js';
import type { CollectOptions } from './collect-options.js';
import { psStringArray } from './ps-text.js';

/** Where the script runs, for its help text and the manual. */
function whereToRun(o: CollectOptions): string[] {
  if (o.side === 'onprem') return ['Run it in the Exchange Management Shell on an Exchange server (2010 or later).'];
  if (o.side === 'online') return ['Run it in PowerShell 7 or Windows PowerShell 5.1 with the ExchangeOnlineManagement module.'];
  return [
    'Run it in the Exchange Management Shell on an Exchange server with the ExchangeOnlineManagement',
    'module installed: the on-premises part runs first, then Connect-ExchangeOnline. To collect the two',
    'sides on different machines, run it twice: -SkipOnline on the Exchange server, -SkipOnPremises elsewhere.',
  ];
}

/** Comment-based help, the parameters (their defaults from the options) and settings. */
export function scriptHeader(o: CollectOptions): string[] {
  const both = o.side === 'both';
  const online = o.side !== 'onprem';
  const onprem = o.side !== 'online';
  const params: string[] = ['    [string]$OutputFolder = \'\''];
  if (both) params.push('    [switch]$SkipOnPremises', '    [switch]$SkipOnline');
  if (onprem) {
    params.push('    [string]$OrganizationName = \'\'', `    [int]$ProtocolLogDays = ${o.protocolLogDays}`, `    [switch]$IncludeQueues${o.queues ? ' = $true' : ''}`);
  }
  if (online) {
    params.push(
      '    [string]$UserPrincipalName = \'\'',
      `    [string[]]$DelegatedOrganization = ${psStringArray(o.delegatedOrganizations)}`,
      `    [int]$MessageTraceDays = ${o.messageTraceDays}`,
    );
  }
  params.push(
    `    [switch]$IncludeRecipients${o.recipients ? ' = $true' : ''}`,
    '    [hashtable]$PublicIPAddress = @{}',
    '    [string[]]$MxDomain = @()',
    '    [switch]$NoPrompt',
    '    [switch]$NoZip',
  );
  return [
    '<#',
    '.SYNOPSIS',
    'Collects what mailflow-doctor reads, into one folder and one zip file.',
    '',
    '.DESCRIPTION',
    ...whereToRun(o),
    'Only Get-* cmdlets are run against Exchange: nothing is changed. Every object is saved whole with',
    'Export-Clixml. A cmdlet that fails is logged to ' + COLLECT_LOG_FILE + ' and the script goes on.',
    'No password or token is written anywhere. Then: mailflow-doctor diagnose <the zip file>.',
    '',
    '.PARAMETER OutputFolder',
    'Folder to collect into (default: mailflow-evidence-<date> in the current folder). The zip file is written beside it.',
    ...(both ? ['', '.PARAMETER SkipOnPremises', 'Collect the Exchange Online side only.', '', '.PARAMETER SkipOnline', 'Collect the on-premises side only.'] : []),
    ...(onprem
      ? [
          '',
          '.PARAMETER OrganizationName',
          'The on-premises organization, as Get-OrganizationConfig names it (asked on an Edge Transport server, which has none).',
          '',
          '.PARAMETER ProtocolLogDays',
          'Copy the SMTP send and receive protocol logs of the last N days from every transport server (0: none).',
          '',
          '.PARAMETER IncludeQueues',
          'Also save Get-Queue and Get-Message (their LastError) from every transport server.',
        ]
      : []),
    ...(online
      ? [
          '',
          '.PARAMETER UserPrincipalName',
          'The account Connect-ExchangeOnline signs in with (it asks for the password or uses modern authentication itself).',
          '',
          '.PARAMETER DelegatedOrganization',
          'Partners: the tenants to collect, each connected with Connect-ExchangeOnline -DelegatedOrganization.',
          '',
          '.PARAMETER MessageTraceDays',
          'Save the message trace of the last N days (Get-MessageTraceV2, 0: none, at most 90).',
        ]
      : []),
    '',
    '.PARAMETER IncludeRecipients',
    'Also save Get-Recipient (one object per recipient: large in a big organization).',
    '',
    '.PARAMETER PublicIPAddress',
    'Public IP addresses each server sends from after NAT, by server name: @{ EX01 = \'203.0.113.10\' }. Asked for when not given.',
    '',
    '.PARAMETER MxDomain',
    'More domains whose MX records to look up, beside the accepted domains.',
    '',
    '.PARAMETER NoPrompt',
    'Ask nothing (unattended runs).',
    '',
    '.PARAMETER NoZip',
    'Leave the folder unzipped.',
    '#>',
    '[CmdletBinding()]',
    'param(',
    params.map((p, i) => (i < params.length - 1 ? p + ',' : p)).join('\n'),
    ')',
    '',
    "$ErrorActionPreference = 'Continue'",
    '',
  ];
}
