import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** Usage of `probe` (CONTRACT exit codes: 2 for usage errors) and the safety statement of --help (issue 16 §3). */
describe('probe command line (no network)', () => {
  afterEach(() => vi.restoreAllMocks());

  function capture(): { out: () => string; err: () => string } {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
    return { out: () => out, err: () => err };
  }

  it('--help says that no message is sent and where the probe connects', async () => {
    const c = capture();
    expect(await main(['probe', '--help'])).toBe(0);
    expect(c.out()).toMatch(/NO MESSAGE IS SENT unless\s+--send-test-message/);
    expect(c.out()).toMatch(/connects only to HOST/);
    expect(c.out()).toMatch(/MFD_PFX_PASSPHRASE only, never an argument/);
  });

  it.each([
    [['probe', 'mx.contoso.com', '--to', 'b@contoso.org'], /needs --from/],
    [['probe', '--from', 'a@fabrikam.com', '--to', 'b@contoso.org'], /exactly one HOST/],
    [['probe', 'mx.contoso.com', '--from', 'a@fabrikam.com', '--to', 'b@contoso.org', '--cert', 'x.pem'], /--cert and --key go together/],
    [['probe', 'mx.contoso.com', '--from', 'a@fabrikam.com', '--to', 'b@contoso.org', '--starttls', 'maybe'], /--starttls must be require, try or no/],
    [['probe', 'mx.contoso.com', '--from', 'a@fabrikam.com', '--to', 'b@contoso.org', '--passphrase', 'x'], /Unknown option '--passphrase'/],
    [['probe', 'mx.contoso.com', '--from', 'a@fabrikam.com', '--to', 'b@contoso.org', '--ehlo', 'x\r\nRCPT TO:<c@d.e>'], /--ehlo "[^]*" is not a host name/],
    [['probe', 'mx.contoso.com:99999', '--from', 'a@fabrikam.com', '--to', 'b@contoso.org'], /port .* must be 1–65535/],
  ])('usage error %#: exit 2 before any connection', async (args, message) => {
    const c = capture();
    expect(await main(args)).toBe(2);
    expect(c.err()).toMatch(message);
  });

  it('a refused TCP connection: exit 2 with "no connection"', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const c = capture();
    expect(await main(['probe', `127.0.0.1:${port}`, '--from', 'a@fabrikam.com', '--to', 'b@contoso.org', '--timeout', '2'])).toBe(2);
    expect(c.out()).toMatch(/^Verdict: no connection: connect ECONNREFUSED/m);
  });
});
