import { describe, expect, it } from 'vitest';
import { isExchangeOnlineName } from '../../src/rules/support/evidence.js';

/** EXO-SEMANTICS M1: Exchange Online is recognised in evidence by its names, each instance's own. */
describe('Exchange Online names in evidence (M1)', () => {
  it.each([
    'contoso-com.mail.protection.outlook.com',
    'AM4PEPF00027A6C.eop-EUR03.prod.protection.outlook.com',
    'contoso-com.a-v1.mx.microsoft',
    'contoso-com.mail.protection.office365.us',
    'contoso-com.mail.protection.partner.outlook.cn',
    '*.mail.protection.outlook.com',
  ])('%s is Exchange Online', (name) => {
    expect(isExchangeOnlineName(name)).toBe(true);
  });

  it.each(['mail.contoso.com', 'office365.us.contoso.com', 'outlook.cn.example', 'mx01.varunagroup.de'])('%s is not', (name) => {
    expect(isExchangeOnlineName(name)).toBe(false);
  });
});
