import { afterAll, describe, expect, it } from 'vitest';
import { Conversation, pcapFile, plainSmtp } from './capture-builder.js';
import { readBytes, removeCaptureDirs } from './capture-files.js';

/**
 * pcap-savefile(5) and draft-ietf-opsawg-pcap §4: the header's LinkType field holds the link type
 * in its low 16 bits; bit 26 (0x04000000) says the top 4 bits give the FCS length in 16-bit
 * words. Those bits are flags about the frames, not part of the link type.
 */

afterAll(removeCaptureDirs);

const CLIENT = { ip: '192.0.2.10', port: 49152 };
const SERVER = { ip: '198.51.100.25', port: 25 };
const ETHERNET = 1;
const FCS_PRESENT = 0x04000000;

/** Each Ethernet frame with a 4-byte frame check sequence after it (the value does not matter here). */
function framesWithFcs() {
  return plainSmtp(new Conversation(CLIENT, SERVER))
    .close()
    .frames()
    .map((f) => ({ ...f, data: Buffer.concat([f.data, Buffer.from([0xde, 0xad, 0xbe, 0xef])]) }));
}

describe('pcap link-layer header FCS bits', () => {
  it('Ethernet with "FCS present, 2 words" (0x24000001) is Ethernet, and its frames are read', async () => {
    const r = await readBytes(pcapFile(framesWithFcs(), { linkType: (ETHERNET | FCS_PRESENT | (2 << 28)) >>> 0 }));
    expect(r.error).toBeNull();
    expect(r.summary.linkTypes).toEqual(['ETHERNET']);
    expect(r.summary.skipped).toBe(0);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.transactions[0]!.outcome).toBe('accepted');
  });

  it('big-endian files carry the same bits', async () => {
    const r = await readBytes(pcapFile(framesWithFcs(), { linkType: (ETHERNET | FCS_PRESENT | (2 << 28)) >>> 0, littleEndian: false }));
    expect(r.summary.linkTypes).toEqual(['ETHERNET']);
    expect(r.sessions).toHaveLength(1);
  });

  it('the FCS flag alone (no length) still leaves the link type Ethernet', async () => {
    const r = await readBytes(pcapFile(plainSmtp(new Conversation(CLIENT, SERVER)).close().frames(), { linkType: ETHERNET | FCS_PRESENT }));
    expect(r.summary.linkTypes).toEqual(['ETHERNET']);
    expect(r.sessions).toHaveLength(1);
  });
});
