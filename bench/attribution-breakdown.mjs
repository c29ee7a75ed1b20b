import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { AT } from './estate-generator.mjs';
/** The build to measure: BENCH_DIST (a private build's dist/), else this checkout's dist/. */
const dist = (path) => (process.env.BENCH_DIST ? pathToFileURL(join(process.env.BENCH_DIST, path)).href : new URL(`../dist/${path}`, import.meta.url).href);
const { certificateProblem } = await import(dist('engine/certificate-usability.js'));
const { parseIp } = await import(dist('engine/ip-address.js'));

/**
 * Where one attribution's time goes, piece by piece: each step attribute() takes, timed alone
 * over the same connections (ns per connection). Complements the CPU profile: the profile shows
 * shares, this shows absolute costs against the 1 µs budget that 1,000,000 attributions/s leaves.
 */
export function attributionBreakdown(setup, count = 200_000) {
  const conns = setup.connections.slice(0, count);
  const index = setup.index;
  // Calibration for this machine: one Map.get on a map as large as the index's domain map.
  const domainMap = new Map(setup.estate.profiles.map((p) => [p.domain, p]));
  const parsed = conns.map((c) => (c.sourceIp ? parseIp(c.sourceIp) : null));
  const steps = {
    'loop over connections (baseline)': (c) => (c.sourceIp ? 1 : 0),
    'parseIp(sourceIp)': (c) => (c.sourceIp ? parseIp(c.sourceIp) : null),
    'index.matchIp(parsed ip)': (c, i) => (parsed[i] ? index.matchIp(parsed[i]).length : 0),
    'index.matchCertificate(cert.names)': (c) => (c.certificate ? index.matchCertificate(c.certificate.names).length : 0),
    'certificateProblem(cert, at)': (c) => (c.certificate ? certificateProblem(c.certificate, AT) : null),
    'index.tenantsAccepting(MAIL FROM) + (RCPT TO)': (c) => index.tenantsAccepting(c.mailFromDomain).length + index.tenantsAccepting(c.rcptToDomain).length,
    'reference: one Map.get, 10,000 string keys (machine calibration)': (c) => domainMap.get(c.rcptToDomain),
  };
  const out = [];
  for (const [name, fn] of Object.entries(steps)) {
    let sink = 0;
    for (let i = 0; i < conns.length; i++) if (fn(conns[i], i)) sink++; // warm-up
    const t0 = performance.now();
    for (let i = 0; i < conns.length; i++) if (fn(conns[i], i)) sink++;
    const ms = performance.now() - t0;
    out.push({ step: name, nsPerConnection: Math.round((ms * 1e6) / conns.length), sink });
  }
  return out.map(({ step, nsPerConnection }) => ({ step, nsPerConnection }));
}
