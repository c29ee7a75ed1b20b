import { describe, expect, it } from 'vitest';
import { detectFormattedText } from '../../../src/ingest/powershell/read-format-list.js';

// FORMATS.md 4.3b: Format-List text (`Name      : value`, padded columns) is recognised by that
// shape. A historical search report (FORMATS.md 1c) seen through `Import-Csv … | Format-List` has
// the report's column names, which hold underscores (`origin_timestamp_utc`, `sender_address`).
describe('Format-List shape: property names with underscores', () => {
  it('recognises a historical search report row printed by Format-List', () => {
    const text = [
      '',
      'origin_timestamp_utc : 2025-03-23T10:00:09.3284899Z',
      'sender_address       : bob@contoso.com',
      'recipient_status     : ann@fabrikam.com##Receive, Send',
      'message_subject      : Hi',
      'directionality       : Originating',
      'connector_id         :',
      '',
    ].join('\r\n');
    expect(detectFormattedText(text)).toEqual({
      style: 'Format-List',
      propertyNames: ['origin_timestamp_utc', 'sender_address', 'recipient_status', 'message_subject', 'directionality', 'connector_id'],
    });
  });

  it('stays linear on a long hostile line', () => {
    const line = 'a' + 'b_'.repeat(200_000) + ' '.repeat(200_000) + 'x';
    const t = performance.now();
    expect(detectFormattedText(`${line}\n${line}\n${line}\n`)).toBeNull();
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
