import { describe, expect, it } from 'vitest';
import { styleFor, terminalWidth } from '../../src/cli/output.js';
import { runMain } from '../cli/in-process.js';

/** The command line as a new user ran it (issue "Advice you can trust", items 3 and 7). */

const AT = '2026-11-22T00:00:00Z';

describe('whatif on the command line', () => {
  it("the tool's own S1 fix (SCENARIOS S1: Fqdn, then TlsSenderCertificateName) exits 0 and says so first", async () => {
    const r = await runMain(
      'whatif',
      'examples/s1-provider-wildcard',
      '--change',
      "Set-SendConnector 'Outbound to Office 365 - 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -Fqdn smtpo365.varunagroup.de",
      '--change',
      "Set-InboundConnector 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -TlsSenderCertificateName smtpo365.varunagroup.de",
      '--at',
      AT,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^SAFE: no flow that works today breaks, and no error finding is added\./);
    expect(r.stdout).not.toContain('flow(s) that work today fail');
  });

  it('S2: disabling the IP connector exits 1 and opens with NOT SAFE', async () => {
    const r = await runMain('whatif', 'examples/s2-cert-connector-before', '--change', 'Set-InboundConnector "On-premises relay (IP)" -Enabled $false', '--at', AT, '--full');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^NOT SAFE: /);
  });

  it('--full is an option of every case command, not a usage error', async () => {
    const r = await runMain('diagnose', 'examples/clean-hybrid', '--at', AT, '--full');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NO FINDINGS: /);
  });
});

describe('terminal width', () => {
  it('never wraps a report written to a file, nor one piped (no TTY)', () => {
    expect(terminalWidth('report.txt')).toBeNull();
    // Tests run with standard output piped.
    if (!process.stdout.isTTY) expect(terminalWidth(null)).toBeNull();
    expect(styleFor('report.txt', { full: true })).toMatchObject({ width: null, full: true });
  });
});
