// Run under `node --cpu-prof`: the indexed attribution passes only (no linear scan), so the
// profile shows where attribute() spends its time. Argument: explain on|off.
import { attributionPass, setUpAttribution } from './attribution.mjs';

const explain = process.argv[2] !== 'off';
const connections = Number(process.argv[3] ?? 1_000_000);
const setup = setUpAttribution({ connections });
const ctx = setup.ctx(explain);
attributionPass(setup.connections, ctx);
const r = attributionPass(setup.connections, ctx);
process.stdout.write(JSON.stringify({ explain, ms: r.ms, rate: (r.count / r.ms) * 1000 }) + '\n');
