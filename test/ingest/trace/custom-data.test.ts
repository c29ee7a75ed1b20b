import { describe, expect, it } from 'vitest';
import { decodeCustomData, subFields } from '../../../src/ingest/trace/custom-data.js';

// The RECEIVE row's custom_data as seed 000 quotes it (FORMATS.md 1d: `;` between records, `S:` type
// prefix, InboundConnectorData's own `;`-separated Name/ConnectorType/TenantId), GUIDs filled in.
const SEED_000 =
  'S:ProxyHop1=HE1EUR01FT049.mail.protection.outlook.com(;S:ProxyHop2=AM0PRxxCAxxxx.outlook.office365.com(2603:10a6:208:fa::40);S:InboundConnectorData=Name=Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e;ConnectorType=OnPremises;TenantId=7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10;S:InboundTlsDetails=TLS=SP_PROT_TLS1_2_SERVER [...];S:CorrelationId=d9ac6a10-8de9-4308-4205-07d865e8909b;S:MimeParts=Att/Emb/MPt:0/0/1;S:MessageValue=MediumHigh;S:Replication=AM6PRxxxxMBxxxx;S:FirstForestHop=AM0PRxxxxMBxxxx.eurprd03.prod.outlook.com;S:FromEntity=HybridOnPrem;S:Oorg=varunagroup.de;S:ProxiedClientIPAddress=;S:ProxiedClientHostname=mx01.varunagroup.de;S:DeliveryPriority=Normal;S:AccountForest=EURPRxxAxxx.PROD.OUTLOOK.COM';

describe('custom_data', () => {
  it('decodes the S1 RECEIVE row field by field', () => {
    const d = decodeCustomData(SEED_000);
    expect(d.inboundConnector).toEqual({
      name: 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e',
      type: 'OnPremises',
      tenantId: '7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10',
      fields: [
        { key: 'Name', value: 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' },
        { key: 'ConnectorType', value: 'OnPremises' },
        { key: 'TenantId', value: '7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10' },
      ],
    });
    expect(d.fromEntity).toBe('HybridOnPrem');
    expect(d.originatorOrg).toBe('varunagroup.de');
    // Empty in seed 000: null, not ''.
    expect(d.proxiedClientIp).toBeNull();
    expect(d.proxiedClientHostname).toBe('mx01.varunagroup.de');
    expect(d.inboundTls).toEqual({ version: 'TLSv1.2', cipher: null, raw: 'TLS=SP_PROT_TLS1_2_SERVER [...]' });
    // Every record kept in order, unknown keys verbatim: the 15 records of the seed's field.
    expect(d.items.map((i) => i.key)).toEqual([
      'ProxyHop1', 'ProxyHop2', 'InboundConnectorData', 'InboundTlsDetails', 'CorrelationId', 'MimeParts', 'MessageValue', 'Replication',
      'FirstForestHop', 'FromEntity', 'Oorg', 'ProxiedClientIPAddress', 'ProxiedClientHostname', 'DeliveryPriority', 'AccountForest',
    ]);
    expect(d.items.every((i) => i.type === 'S')).toBe(true);
    // The unbalanced "(" of ProxyHop1 and the IPv6 colons of ProxyHop2 stay in their values.
    expect(d.items[0]!.value).toBe('HE1EUR01FT049.mail.protection.outlook.com(');
    expect(d.items[1]!.value).toBe('AM0PRxxCAxxxx.outlook.office365.com(2603:10a6:208:fa::40)');
    expect(d.items.find((i) => i.key === 'MimeParts')!.value).toBe('Att/Emb/MPt:0/0/1');
  });

  it('accepts "; " separators as copies pasted from a mail carry them (seed 001)', () => {
    const d = decodeCustomData('S:InboundConnectorData=Name=Inbound from X; ConnectorType=OnPremises; TenantId=T1; S:FromEntity=HybridOnPrem; S:ProxiedClientIPAddress=81.173.212.44');
    expect(d.inboundConnector).toMatchObject({ name: 'Inbound from X', type: 'OnPremises', tenantId: 'T1' });
    expect(d.fromEntity).toBe('HybridOnPrem');
    expect(d.proxiedClientIp).toBe('81.173.212.44');
  });

  it('keeps agent records with | inside, duplicates, I: records and unknown keys verbatim', () => {
    const d = decodeCustomData('S:SFA=SUM|SFV=SPM|IPV=CAL|SCL=5;S:AMA=SUM|v=1|action=r;S:AMA=EV|engine=M|sig=1;I:AttachCount=2;S:Weird=a=b=c;S:NoValue;S:TRA=ETR|ruleId=0c1d|st=3/4/2025 9:15:02 AM|action=Quarantine;');
    expect(d.items).toEqual([
      { type: 'S', key: 'SFA', value: 'SUM|SFV=SPM|IPV=CAL|SCL=5' },
      { type: 'S', key: 'AMA', value: 'SUM|v=1|action=r' },
      { type: 'S', key: 'AMA', value: 'EV|engine=M|sig=1' },
      { type: 'I', key: 'AttachCount', value: '2' },
      { type: 'S', key: 'Weird', value: 'a=b=c' },
      { type: 'S', key: 'NoValue', value: null },
      { type: 'S', key: 'TRA', value: 'ETR|ruleId=0c1d|st=3/4/2025 9:15:02 AM|action=Quarantine' },
    ]);
    expect(d.inboundConnector).toBeNull();
  });

  it('keeps a ";" inside a connector name with the name, and reads the outbound connector of SEND rows', () => {
    const d = decodeCustomData('S:InboundConnectorData=Name=From partner; site B;ConnectorType=Partner;S:Microsoft.Exchange.Hygiene.TenantOutboundConnectorCustomData=Name=Outbound to Fabrikam');
    expect(d.inboundConnector).toMatchObject({ name: 'From partner; site B', type: 'Partner', tenantId: null });
    expect(d.outboundConnector?.name).toBe('Outbound to Fabrikam');
  });

  it('survives odd input', () => {
    for (const text of ['', ';;;', 'garbage without records', 'S:', 'S:=x', '=;=', 'S:InboundConnectorData=', 'S:InboundConnectorData=;;ConnectorType=']) {
      expect(() => decodeCustomData(text)).not.toThrow();
    }
    expect(decodeCustomData('').items).toEqual([]);
    expect(decodeCustomData('S:InboundConnectorData=').inboundConnector).toMatchObject({ name: null, type: null, tenantId: null });
    // A bare value without Name= (a truncated copy) is the name.
    expect(decodeCustomData('S:InboundConnectorData=Inbound from X').inboundConnector?.name).toBe('Inbound from X');
  });

  it('reads TLS versions from Schannel protocol names', () => {
    const v = (t: string) => decodeCustomData(`S:InboundTlsDetails=${t}`).inboundTls?.version;
    expect(v('TLS=SP_PROT_TLS1_0_SERVER;Cipher=CALG_AES_128')).toBe('TLSv1');
    expect(v('TLS=SP_PROT_TLS1_1_SERVER')).toBe('TLSv1.1');
    expect(v('TLS=SP_PROT_TLS1_3_SERVER')).toBe('TLSv1.3');
    expect(v('TLS=SP_PROT_SSL3_SERVER')).toBe('SSLv3');
    expect(v('TLS=nothing known')).toBeNull();
    expect(decodeCustomData('S:InboundTlsDetails=TLS=SP_PROT_TLS1_2_SERVER;Cipher=CALG_AES_256').inboundTls?.cipher).toBe('CALG_AES_256');
  });

  it('splits sub-fields', () => {
    expect(subFields('Name=A;B;Type=C')).toEqual([
      { key: 'Name', value: 'A;B' },
      { key: 'Type', value: 'C' },
    ]);
  });
});
