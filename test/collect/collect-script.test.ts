import type { Node, Tree } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { checkCollectOptions, DEFAULT_COLLECT_OPTIONS, type CollectOptions, type CollectSide } from '../../src/collect/collect-options.js';
import { collectScript } from '../../src/collect/collect-script.js';
import { EXPORT_KINDS, type ExportKind } from '../../src/ingest/powershell/export-kinds.js';
import { commandCalls, commandTakingBlock, enclosing, nodes, parameterValue, parsePowerShell, syntaxErrors } from './powershell-grammar.js';

const SIDES: CollectSide[] = ['onprem', 'online', 'both'];
const script = (side: CollectSide, more: Partial<CollectOptions> = {}): string => collectScript({ ...DEFAULT_COLLECT_OPTIONS, side, ...more });

/** Which kinds each side must export (export-kinds.ts `side`: a tenant's, an organization's or a server's objects). */
function kindsOf(side: CollectSide): ExportKind[] {
  const all = Object.keys(EXPORT_KINDS) as ExportKind[];
  const onprem = (k: ExportKind): boolean => EXPORT_KINDS[k].side !== 'tenant';
  const online = (k: ExportKind): boolean => EXPORT_KINDS[k].side === 'tenant' || EXPORT_KINDS[k].side === 'either';
  return all.filter((k) => (side === 'onprem' ? onprem(k) : side === 'online' ? online(k) : onprem(k) || online(k)));
}

/** The script blocks handed to Save-Export's -Command: what is exported. */
function exportBlocks(tree: Tree): Node[] {
  return [...nodes(tree.rootNode)].filter((n) => {
    if (n.type !== 'script_block_expression') return false;
    const cmd = commandTakingBlock(n);
    return cmd !== null && cmd.childForFieldName('command_name')?.text === 'Save-Export';
  });
}

function callsIn(n: Node): string[] {
  return [...nodes(n)].filter((x) => x.type === 'command').map((x) => x.childForFieldName('command_name')?.text ?? '');
}

describe('collect-script: valid PowerShell (tree-sitter-powershell grammar)', () => {
  for (const side of SIDES) {
    it(`--${side}: parses with no ERROR or missing node`, async () => {
      const tree = await parsePowerShell(script(side, { delegatedOrganizations: side === 'onprem' ? [] : ['fabrikam.onmicrosoft.com'], protocolLogDays: side === 'online' ? 0 : 7, recipients: true, queues: side !== 'online' }));
      expect(syntaxErrors(tree)).toEqual([]);
    });
  }

  it('the check can fail: a script with one brace removed has an ERROR node', async () => {
    const broken = script('both').replace('function Save-Export {', 'function Save-Export ');
    expect(syntaxErrors(await parsePowerShell(broken)).length).toBeGreaterThan(0);
  });

  it('is ASCII with CRLF line ends, so Windows PowerShell 5.1 reads it the same without a byte-order mark', () => {
    for (const side of SIDES) {
      const s = script(side);
      expect(/[^\x00-\x7f]/.test(s)).toBe(false);
      expect(s.split('\r\n').length).toBe(s.split('\n').length);
    }
  });
});

describe('collect-script: every property the readers use is exported', () => {
  for (const side of SIDES) {
    it(`--${side}: each kind's cmdlet runs inside Save-Export, whole (no Select-Object), with -ErrorAction Stop`, async () => {
      const tree = await parsePowerShell(script(side, { recipients: true }));
      const blocks = exportBlocks(tree);
      for (const kind of kindsOf(side)) {
        const info = EXPORT_KINDS[kind];
        const block = blocks.find((b) => callsIn(b).some((c) => c.toLowerCase() === info.cmdlet.toLowerCase()));
        expect(block, `${info.cmdlet} (${kind}: ${info.used.join(', ') || 'recognised only'}) is exported`).toBeDefined();
        expect(callsIn(block!).map((c) => c.toLowerCase())).not.toContain('select-object');
        const call = [...nodes(block!)].find((n) => n.type === 'command' && n.childForFieldName('command_name')?.text.toLowerCase() === info.cmdlet.toLowerCase())!;
        expect(parameterValue(call, 'ErrorAction'), `${info.cmdlet} -ErrorAction Stop (a failure is caught and logged)`).toBe('Stop');
      }
    });
  }

  it('Save-Export writes what the block returns, whole, with Export-Clixml, inside try/catch', async () => {
    const tree = await parsePowerShell(script('both'));
    const fn = [...nodes(tree.rootNode)].find((n) => n.type === 'function_statement' && n.namedChildren.some((c) => c?.type === 'function_name' && c.text === 'Save-Export'))!;
    expect(fn).toBeDefined();
    const calls = commandCalls(tree).filter((c) => fn.startIndex <= c.node.startIndex && c.node.endIndex <= fn.endIndex);
    const exportCall = calls.find((c) => c.name === 'Export-Clixml')!;
    expect(exportCall).toBeDefined();
    expect(enclosing(exportCall.node, 'try_statement')).not.toBeNull();
    expect(calls.map((c) => c.name)).not.toContain('Select-Object');
    expect(exportCall.node.parent?.text).toMatch(/^\$objects \| Export-Clixml/);
  });

  it('--online pages Get-MessageTraceV2 as Microsoft documents: -EndDate from the last row\'s Received, -StartingRecipientAddress from its RecipientAddress', () => {
    const s = script('online');
    expect(s).toContain('Get-MessageTraceV2 @query');
    expect(s).toContain("$query['EndDate'] = $last.Received");
    expect(s).toContain("$query['StartingRecipientAddress'] = [string]$last.RecipientAddress");
    // At most 10 days per query.
    expect(s).toContain('$windowEnd.AddDays(-10)');
  });
});

describe('collect-script: safe by default', () => {
  /** Commands that write only into the collection folder, or talk to no Exchange object. */
  const LOCAL = new Set(['New-Item', 'Add-Content', 'Set-Content', 'Copy-Item', 'Compress-Archive', 'Join-Path', 'Resolve-Path', 'Resolve-DnsName', 'Read-Host', 'Write-Host', 'Write-Warning', 'Where-Object', 'ForEach-Object', 'Sort-Object', 'Select-Object', 'Export-Clixml', 'Export-Csv', 'Import-Module', 'Connect-ExchangeOnline', 'Disconnect-ExchangeOnline', 'New-Object']);

  for (const side of SIDES) {
    it(`--${side}: Exchange is only read (Get-*); every other command is the script's own or local`, async () => {
      const tree = await parsePowerShell(script(side, { recipients: true, queues: side !== 'online', protocolLogDays: side === 'online' ? 0 : 3 }));
      const own = new Set([...nodes(tree.rootNode)].filter((n) => n.type === 'function_name').map((n) => n.text));
      // `& $Command` is Save-Export running an export block: those hold Get-* calls only.
      const others = commandCalls(tree).map((c) => c.name).filter((n) => !own.has(n) && !LOCAL.has(n) && n !== '$Command');
      expect(others.filter((n) => !/^Get-[A-Za-z0-9]+$/.test(n))).toEqual([]);
      for (const block of exportBlocks(tree)) expect(callsIn(block).filter((n) => !/^Get-[A-Za-z0-9]+$/.test(n))).toEqual([]);
      expect(others.length).toBeGreaterThan(5);
    });
  }

  it('asks for no credential and writes none', () => {
    for (const side of SIDES) {
      const s = script(side);
      expect(s).not.toMatch(/Get-Credential|-Credential\b|ConvertFrom-SecureString|-Password|AccessToken/i);
    }
  });
});

describe('collect-script: options', () => {
  it('writes the defaults into the parameters, and only plain domain names', () => {
    const s = script('online', { delegatedOrganizations: ['fabrikam.onmicrosoft.com', 'tailspin.onmicrosoft.com'], messageTraceDays: 7 });
    expect(s).toContain("[string[]]$DelegatedOrganization = @('fabrikam.onmicrosoft.com', 'tailspin.onmicrosoft.com')");
    expect(s).toContain('[int]$MessageTraceDays = 7');
    expect(checkCollectOptions({ ...DEFAULT_COLLECT_OPTIONS, delegatedOrganizations: ["x'); Remove-Item C:\\ -Recurse; ('"] })).toHaveLength(1);
    expect(checkCollectOptions({ ...DEFAULT_COLLECT_OPTIONS, messageTraceDays: 91 })).toHaveLength(1);
    expect(checkCollectOptions({ ...DEFAULT_COLLECT_OPTIONS, side: 'online', protocolLogDays: 3 })).toHaveLength(1);
  });

  it('--onprem has no Exchange Online part and --online no Exchange Management Shell part', () => {
    expect(script('onprem')).not.toContain('Connect-ExchangeOnline');
    expect(script('online')).not.toContain('Get-SendConnector');
    expect(script('both')).toContain('if (-not $SkipOnline) { Invoke-OnlineCollection }');
  });
});
