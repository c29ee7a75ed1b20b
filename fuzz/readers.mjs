// The readers the harness exercises and the seed inputs each starts from (the project's fixtures
// and examples). Every reader is reached the way a user reaches it: a file handed to loadCase,
// whose detection picks the reader.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

function files(dir, exts) {
  const out = [];
  const walk = (d, depth) => {
    let names;
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (st.isFile() && st.size <= 2 * 1024 * 1024 && (exts.length === 0 || exts.includes(extname(n).toLowerCase()))) out.push(p);
    }
  };
  walk(join(ROOT, dir), 0);
  return out;
}

export const READERS = {
  topology: () => [...files('test/fixtures/topology', ['.yaml', '.yml', '.json']), ...files('examples', ['.yaml', '.yml'])],
  'powershell-export': () => files('test/fixtures/powershell', ['.csv', '.json', '.xml', '.txt', '.clixml']),
  'message-trace': () => files('test/fixtures/trace', ['.csv', '.json']),
  'exchange-log': () => files('test/fixtures/exchange-log', ['.log']),
  headers: () => files('test/fixtures/headers', ['.eml', '.msg', '.mbox', '.txt']),
  ndr: () => files('test/fixtures/ndr', ['.eml', '.msg']),
  queue: () => files('test/fixtures/queue', ['.csv', '.json', '.xml']),
  capture: () => files('test/fixtures/pcap', ['.pcap', '.pcapng']),
  certificate: () => [...files('test/fixtures/certificate', []), ...files('examples', ['.cer', '.pem', '.crt', '.p7b'])],
  endpoints: () => files('test/fixtures/endpoints', ['.json']),
};
