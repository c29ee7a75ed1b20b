import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateConnections } from './connection-generator.mjs';
import { AT, buildEstate, exchangeOnlineDomainCheck } from './estate-generator.mjs';
import { decisionOf, firstDifference, linearAttribute, prepareLinear } from './linear-attribution.mjs';
/** The build to measure: BENCH_DIST (a private build's dist/), else this checkout's dist/. */
const dist = (path) => (process.env.BENCH_DIST ? pathToFileURL(join(process.env.BENCH_DIST, path)).href : new URL(`../dist/${path}`, import.meta.url).href);
const { ConnectorIndex } = await import(dist('engine/connector-index.js'));
const { attribute } = await import(dist('engine/inbound-attribution.js'));

/**
 * Benchmark 1: attribute() with the ConnectorIndex over a 10,000-tenant estate, against a plain
 * linear scan with the same semantics. Checks first that both decide identically on a sample,
 * then times. Returns plain figures for the report.
 */

export const ATTRIBUTION_GOALS = { ratePerSecond: 1_000_000, speedupOverLinear: 50 };

export function setUpAttribution(options = {}) {
  const { tenants = 10_000, connections: count = 1_000_000 } = options;
  const t0 = performance.now();
  const estate = buildEstate({ tenantCount: tenants });
  const { connections, categories } = generateConnections(estate, { count });
  const generateMs = performance.now() - t0;
  const t1 = performance.now();
  const index = new ConnectorIndex(estate.tenants);
  const indexBuildMs = performance.now() - t1;
  const isExchangeOnlineDomain = exchangeOnlineDomainCheck(estate);
  const ctx = (explain) => ({ index, at: AT, isExchangeOnlineDomain, explain });
  return { estate, connections, categories, index, ctx, generateMs, indexBuildMs, isExchangeOnlineDomain };
}

/** One pass of attribute() over the connections; the checksum keeps the work observable. */
export function attributionPass(connections, context, from = 0, to = connections.length) {
  let checksum = 0;
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    const a = attribute(connections[i], context);
    checksum += a.outcome.length + (a.connector === null ? 0 : 1) + a.trace.length;
  }
  return { ms: performance.now() - t0, count: to - from, checksum };
}

function timedPasses(connections, context, passes) {
  attributionPass(connections, context); // warm-up
  const runs = [];
  for (let i = 0; i < passes; i++) runs.push(attributionPass(connections, context));
  const rates = runs.map((r) => (r.count / r.ms) * 1000).sort((a, b) => a - b);
  return { passes, perPassMs: runs.map((r) => round(r.ms)), medianRate: Math.round(rates[Math.floor(rates.length / 2)]), bestRate: Math.round(rates[rates.length - 1]) };
}

/** Evenly spread sample of the connections (every k-th), so every category is represented. */
function sampleOf(connections, size) {
  const step = Math.max(1, Math.floor(connections.length / size));
  const out = [];
  for (let i = 0; i < connections.length && out.length < size; i += step) out.push(connections[i]);
  return out;
}

export function checkAgainstLinear(setup, sampleSize, log) {
  const { estate, connections, ctx } = setup;
  const prepared = prepareLinear(estate.tenants);
  const linearCtx = { at: AT, isExchangeOnlineDomain: setup.isExchangeOnlineDomain };
  const sample = sampleOf(connections, sampleSize);
  // Warm the linear scan up too, so its rate is not a cold-start figure.
  for (let i = 0; i < Math.min(200, sample.length); i++) linearAttribute(sample[i], prepared, linearCtx);
  const linear = new Array(sample.length);
  const t0 = performance.now();
  for (let i = 0; i < sample.length; i++) {
    linear[i] = linearAttribute(sample[i], prepared, linearCtx);
    if (log && i > 0 && i % 5000 === 0) log(`  linear scan: ${i}/${sample.length}`);
  }
  const linearMs = performance.now() - t0;

  const mismatches = [];
  const outcomes = Object.create(null);
  let competing = 0;
  for (const explain of [false, true]) {
    const c = ctx(explain);
    for (let i = 0; i < sample.length; i++) {
      const a = attribute(sample[i], c);
      const diff = firstDifference(a, linear[i]);
      if (diff && mismatches.length < 10) mismatches.push({ explain, index: i, field: diff, connection: describeConnection(sample[i]), indexed: decisionOf(a), linear: decisionOf(linear[i]) });
      else if (diff) mismatches.push(null);
      if (!explain) {
        const key = `${a.outcome}/${a.direction}/${a.matchedBy ?? '-'}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (a.competingTenants.length > 0) competing++;
      }
    }
  }
  return {
    sampleSize: sample.length,
    mismatchCount: mismatches.length,
    mismatches: mismatches.filter(Boolean),
    outcomes,
    competing,
    linearMs: round(linearMs),
    linearRate: round((sample.length / linearMs) * 1000, 1),
  };
}

function describeConnection(c) {
  return { sourceIp: c.sourceIp, certificate: c.certificate ? c.certificate.names : null, mailFrom: c.mailFromDomain, rcptTo: c.rcptToDomain, previousTenants: c.previousTenants ?? null };
}

export function runAttributionBenchmark(options = {}, log = () => {}) {
  const { sample = 20_000, passes = 3 } = options;
  log(`Attribution: building ${options.tenants ?? 10_000} tenants and ${options.connections ?? 1_000_000} connections…`);
  const setup = setUpAttribution(options);
  log(`  estate and connections generated in ${round(setup.generateMs)} ms; ConnectorIndex built in ${round(setup.indexBuildMs)} ms (${setup.index.entries.length} connectors)`);

  log(`Attribution: checking index against the linear scan on ${sample} connections (explain off and on)…`);
  const check = checkAgainstLinear(setup, sample, log);
  if (check.mismatchCount > 0) {
    const message = `ConnectorIndex and linear scan disagree on ${check.mismatchCount} of ${check.sampleSize * 2} attributions; first: ${JSON.stringify(check.mismatches[0], null, 2)}`;
    if (!options.continueOnMismatch) {
      const err = new Error(message);
      err.details = check;
      throw err;
    }
    log(`\n*** ATTRIBUTION CHECK FAILED (timing anyway: --continue-on-mismatch) ***\n${message}\n`);
  } else log(`  identical on all ${check.sampleSize} connections (×2 modes); linear scan: ${check.linearRate} attributions/s`);

  log(`Attribution: timing attribute() over ${setup.connections.length} connections, explain off (warm-up + ${passes} passes)…`);
  const noExplain = timedPasses(setup.connections, setup.ctx(false), passes);
  log(`  explain off: ${fmt(noExplain.medianRate)} /s (median)`);
  log(`Attribution: timing with explain on (the default)…`);
  const explain = timedPasses(setup.connections, setup.ctx(true), passes);
  log(`  explain on:  ${fmt(explain.medianRate)} /s (median)`);

  const result = {
    tenants: setup.estate.tenants.length,
    connectors: setup.index.entries.length,
    certificates: setup.estate.certificateCount,
    connections: setup.connections.length,
    connectionMix: setup.categories,
    generateMs: round(setup.generateMs),
    indexBuildMs: round(setup.indexBuildMs),
    check,
    indexed: { explainOff: noExplain, explainOn: explain },
    speedupExplainOff: round(noExplain.medianRate / check.linearRate, 1),
    speedupExplainOn: round(explain.medianRate / check.linearRate, 1),
  };
  return { result, setup };
}

export const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
export const fmt = (n) => Math.round(n).toLocaleString('en-US');
