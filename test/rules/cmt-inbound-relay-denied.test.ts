import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'cmt-inbound-relay-denied';
const EXAMPLE = exampleTopology('exo-onprem-subject-mismatch');
const FLOW = '\nflows:\n  - From: alice@contoso.com\n    To: dave@tailspintoys.com\n    Origin: contoso.onmicrosoft.com\n';
/** Centralized mail transport over EX01 only. */
const CMT = variant(variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com]\n        RouteAllMessagesViaOnPremises: true'), '\ndns:\n', `${FLOW}\ndns:\n`);
const WITHOUT_CAPABILITY = variant(CMT, '        TlsDomainCapabilities: ["mail.protection.outlook.com:AcceptCloudServicesMail"]\n', '');

describe('cmt-inbound-relay-denied', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M14: without AcceptCloudServicesMail the session is anonymous and Exchange 2019 refuses to relay: 550 5.7.54', () => {
    const flow = diagnose(WITHOUT_CAPABILITY).simulation.flows[0]!;
    expect(flow).toMatchObject({ outcome: 'rejected', response: '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain' });
    const f = onlyFinding(WITHOUT_CAPABILITY, RULE);
    expect(f.subjects[0]).toEqual({ type: 'ReceiveConnector', name: 'Default Frontend EX01', organization: 'Contoso' });
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → dave@tailspintoys.com' });
    expect(commands(f)).toEqual(["Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsDomainCapabilities @{Add='mail.protection.outlook.com:AcceptCloudServicesMail'}"]);
    expect(f.fixVerification?.status).toBe('verified');
    expect(diagnose(WITHOUT_CAPABILITY).findings.filter((x) => x.rule === 'flow-fails')).toEqual([]);
  });

  it('M14: Exchange 2010 answers 550 5.7.1 Unable to relay', () => {
    const yaml = variant(WITHOUT_CAPABILITY, 'Version 15.2 (Build 1748.10)', 'Version 14.3 (Build 123.4)', 2);
    expect(diagnose(yaml).simulation.flows.find((f) => f.to === 'dave@tailspintoys.com')!.response).toBe('550 5.7.1 Unable to relay');
    expect(findingsOf(yaml, RULE)).toHaveLength(1);
  });

  it('is silent, and the message relays, when the connector grants AcceptCloudServicesMail (the twin)', () => {
    expect(diagnose(CMT).simulation.flows[0]!.outcome).toBe('delivered');
    expect(findingsOf(CMT, RULE)).toEqual([]);
  });
});
