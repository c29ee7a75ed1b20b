import { main } from './main.js';

/**
 * A reader that goes away early (`mailflow-doctor pcap x.pcap | head -1`) closes the pipe: the
 * next write fails with EPIPE. What the reader wanted it has, so the command ends quietly with
 * exit 0, as Unix filters do on SIGPIPE, instead of an unhandled 'error' stack trace.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if ((e as NodeJS.ErrnoException)?.code === 'EPIPE') {
      process.exit(0);
    }
    process.stderr.write(`mailflow-doctor: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
