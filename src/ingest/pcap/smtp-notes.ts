/**
 * What the dialogue parser tells about a session besides its commands and replies: each a note
 * on the session, saying what was seen and how it was read.
 */

export const CLIENT_TLS_WITHOUT_STARTTLS =
  'The client sent TLS records (a ClientHello) where SMTP commands were expected, without STARTTLS: it expected TLS from the first byte (as on port 465) from a server that speaks plain SMTP first. The records are skipped.';

/** RFC 4954 §4: the client waits for the AUTH exchange to end; a command with no reply since AUTH means the server's side is missing. */
export function authWithoutReplyNote(mechanism: string, resumedAt: string, hiddenLines: number): string {
  return (
    `The capture shows no server reply to AUTH ${mechanism} (a one-sided capture, or the replies are missing): the client's lines are read as commands again from "${resumedAt.split(/\s+/)[0]}" on` +
    (hiddenLines > 0 ? `; ${hiddenLines} line(s) before it were taken as authentication data and hidden.` : '.')
  );
}

/** RFC 5321 §3.1: the client waits for the 220 greeting. */
export function spokeFirstNote(line: string): string {
  const verb = line.split(/\s+/)[0]!.toUpperCase().slice(0, 24);
  return verb === 'EHLO' || verb === 'HELO'
    ? `The client sent ${verb} before the server's greeting (early pipelining such as Exim's PIPE_CONNECT, or a client that does not wait for the 220, RFC 5321 §3.1); the greeting and the replies were paired with the commands in order.`
    : `The client spoke before the server's greeting ("${line.slice(0, 40)}"), which RFC 5321 §3.1 does not allow; the greeting and the replies were paired with the commands in order.`;
}

export function repliesBeforeCommandsNote(count: number): string {
  const one = count === 1;
  return `${count} server ${one ? 'reply appears' : 'replies appear'} in the capture before the command ${one ? 'it answers' : 'they answer'} (the capture's order is not the order on the wire); replies were paired with commands in order.`;
}
