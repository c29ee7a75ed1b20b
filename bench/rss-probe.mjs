// Preloaded into a measured child (node --import) when /usr/bin/time is missing: records the
// child's own peak RSS (kB) at exit for the parent to read.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
