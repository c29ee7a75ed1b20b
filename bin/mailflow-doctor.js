#!/usr/bin/env node
// The package's command: runs the built CLI (npm run build, done by `npm ci` through `prepare`).
import('../dist/cli/run.js').catch((e) => {
  process.stderr.write(`mailflow-doctor: cannot start (${e.message}). Run "npm run build" first.\n`);
  process.exitCode = 2;
});
