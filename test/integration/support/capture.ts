import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { sleep, waitForOutput } from './processes.js';

/**
 * A packet capture on the loopback interface, filtered to the lab's ports. tcpdump writes classic pcap
 * (micro- or nanosecond), dumpcap writes pcapng. Both are waited for until they say they are
 * listening, and stopped with SIGINT so the file is complete.
 */
export type CaptureFormat = 'pcap' | 'pcap-nano' | 'pcapng';

export interface RunningCapture {
  file: string;
  format: CaptureFormat;
  /** Stops the capture and resolves with the packet counts the tool printed. */
  stop(): Promise<{ captured: number; dropped: number }>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGINT');
});

/** `filter`: a pcap filter expression for the lab's listeners. */
export async function startCapture(format: CaptureFormat, filter: string, file: string): Promise<RunningCapture> {
  // -Z root: tcpdump would otherwise drop to user tcpdump before creating the file.
  // -B: a larger kernel buffer; bursts on lo overflow the default one. --immediate-mode: without
  // it libpcap hands packets over in blocks (up to 1 s late) and SIGINT loses the last block.
  const [command, args, ready] =
    format === 'pcapng'
      ? ['dumpcap', ['-i', 'lo', '-f', filter, '-w', file, '-q'], /Capturing on/]
      : ['tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-s', '0', '-B', '32768', '-Z', 'root', ...(format === 'pcap-nano' ? ['--time-stamp-precision', 'nano'] : []), '-w', file, filter], /listening on/];
  const child = spawn(command, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForOutput(child, ready as RegExp, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    running.delete(child);
    throw err;
  }
  return {
    file,
    format,
    async stop() {
      // Let the last FIN/ACK reach the capture before it ends (immediate mode: no 1 s buffer timeout).
      await sleep(150);
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
      chmodSync(file, 0o644);
      const captured = Number(/(\d+) packets captured|Packets captured: (\d+)/.exec(output)?.slice(1).find(Boolean) ?? NaN);
      const dropped = Number(/(\d+) packets dropped by kernel|dropped on interface '[^']*': \d+\/(\d+)/.exec(output)?.slice(1).find(Boolean) ?? 0);
      return { captured, dropped };
    },
  };
}
