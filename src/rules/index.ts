import type { Case } from '../model/case.js';
import type { SimulationRun } from '../engine/simulate.js';
import { SEVERITY_ORDER, type Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { collectPresenters } from './support/presenters.js';
import { rule as certConnectorNameMismatch } from './cert-connector-name-mismatch.js';
import { rule as certConnectorNoClientCertificate } from './cert-connector-no-client-certificate.js';
import { rule as certificateExpired } from './certificate-expired.js';
import { rule as certificateNoPrivateKey } from './certificate-no-private-key.js';
import { rule as certificateUntrusted } from './certificate-untrusted.js';
import { rule as connectorIdentityMatchesSeveralTenants } from './connector-identity-matches-several-tenants.js';
import { rule as connectorStaleCertificateReference } from './connector-stale-certificate-reference.js';
import { rule as eopIpRangesOutdated } from './eop-ip-ranges-outdated.js';
import { rule as flowExpectationFailed } from './flow-expectation-failed.js';
import { rule as hybridRemoteDomainMisconfigured } from './hybrid-remote-domain-misconfigured.js';
import { rule as hybridRoutingDomainAuthoritative } from './hybrid-routing-domain-authoritative.js';
import { rule as inboundCertNameOvermatch } from './inbound-cert-name-overmatch.js';
import { rule as ipConnectorForeignSenderDomains } from './ip-connector-foreign-sender-domains.js';
import { rule as relayThroughForeignTenant } from './relay-through-foreign-tenant.js';
import { rule as sendConnectorFqdnCertificateMismatch } from './send-connector-fqdn-certificate-mismatch.js';
import { rule as sharedIdentityTenantAndInternetRoute } from './shared-identity-tenant-and-internet-route.js';
import { rule as thirdPartyGatewayInHybridPath } from './third-party-gateway-in-hybrid-path.js';
import { rule as captureNoClientCertificate } from './capture-no-client-certificate.js';
import { rule as eopSourceIpNotPreserved } from './eop-source-ip-not-preserved.js';
import { rule as evidenceContradictsModel } from './evidence-contradicts-model.js';
import { rule as ipBlocklisted } from './ip-blocklisted.js';
import { rule as messageNotInternal } from './message-not-internal.js';
import { rule as starttlsMasked } from './starttls-masked.js';
import { rule as tenantAttributionRejected } from './tenant-attribution-rejected.js';
import { rule as tlsWeakVersion } from './tls-weak-version.js';
import { rule as traceForeignMailViaOnpremConnector } from './trace-foreign-mail-via-onprem-connector.js';
import { rule as exoToOnpremTlsValidationFails } from './exo-to-onprem-tls-validation-fails.js';
import { rule as exoToOnpremStarttlsUnavailable } from './exo-to-onprem-starttls-unavailable.js';
import { rule as exoToOnpremConnectionFails } from './exo-to-onprem-connection-fails.js';
import { rule as exoLandsOnWrongReceiveConnector } from './exo-lands-on-wrong-receive-connector.js';
import { rule as cmtInboundRelayDenied } from './cmt-inbound-relay-denied.js';
import { rule as certificateNotEnabledForSmtp } from './certificate-not-enabled-for-smtp.js';
import { rule as flowFails } from './flow-fails.js';
import { rule as onpremToExoTlsValidationFails } from './onprem-to-exo-tls-validation-fails.js';
import { rule as legacyOrWrongExoEndpoint } from './legacy-or-wrong-exo-endpoint.js';
import { rule as crossPremisesTrustDisabled } from './cross-premises-trust-disabled.js';
import { rule as routingLoop } from './routing-loop.js';
import { rule as relayCertDomainNotImmediateParent } from './relay-cert-domain-not-immediate-parent.js';
import { rule as ipConnectorUnsupportedRange } from './ip-connector-unsupported-range.js';
import { rule as directSendRejected } from './direct-send-rejected.js';
import { rule as onpremServerOutOfDate } from './onprem-server-out-of-date.js';
import { rule as connectorOrTenantBlocked } from './connector-or-tenant-blocked.js';
import { rule as traceOnpremSendTlsError } from './trace-onprem-send-tls-error.js';
import { rule as traceMessageExpired } from './trace-message-expired.js';
import { rule as traceRecipientNotFound } from './trace-recipient-not-found.js';
import { rule as traceIpThrottled } from './trace-ip-throttled.js';
import { rule as traceDaneMtastsFailure } from './trace-dane-mtasts-failure.js';
import { rule as traceMixedRegionDeferral } from './trace-mixed-region-deferral.js';
import { rule as traceAllowListRelayBlock } from './trace-allow-list-relay-block.js';
import { rule as recipientBlockedByDbeb } from './recipient-blocked-by-dbeb.js';
import { rule as partnerConnectorRestrictionRejects } from './partner-connector-restriction-rejects.js';
import { rule as partnerConnectorScopeRisk } from './partner-connector-scope-risk.js';
import { rule as certificateExpiringSoon } from './certificate-expiring-soon.js';
import { rule as enhancedFilteringMissing } from './enhanced-filtering-missing.js';
import { rule as enhancedFilteringUnsupportedConfig } from './enhanced-filtering-unsupported-config.js';
import { rule as mc1226222AntiPattern } from './mc1226222-anti-pattern.js';
import { flattenFindingTexts } from './support/flat-texts.js';

/** The rule catalog (RULES.md): configuration and simulation first, then evidence. */
export const RULES: readonly Rule[] = [
  inboundCertNameOvermatch,
  relayThroughForeignTenant,
  sharedIdentityTenantAndInternetRoute,
  certConnectorNoClientCertificate,
  certConnectorNameMismatch,
  certificateExpired,
  certificateUntrusted,
  certificateNoPrivateKey,
  sendConnectorFqdnCertificateMismatch,
  connectorStaleCertificateReference,
  ipConnectorForeignSenderDomains,
  hybridRoutingDomainAuthoritative,
  thirdPartyGatewayInHybridPath,
  eopIpRangesOutdated,
  hybridRemoteDomainMisconfigured,
  connectorIdentityMatchesSeveralTenants,
  flowExpectationFailed,
  routingLoop,
  relayCertDomainNotImmediateParent,
  ipConnectorUnsupportedRange,
  directSendRejected,
  onpremServerOutOfDate,
  connectorOrTenantBlocked,
  partnerConnectorRestrictionRejects,
  partnerConnectorScopeRisk,
  certificateExpiringSoon,
  enhancedFilteringMissing,
  enhancedFilteringUnsupportedConfig,
  mc1226222AntiPattern,
  traceForeignMailViaOnpremConnector,
  tenantAttributionRejected,
  captureNoClientCertificate,
  starttlsMasked,
  tlsWeakVersion,
  messageNotInternal,
  eopSourceIpNotPreserved,
  evidenceContradictsModel,
  ipBlocklisted,
  exoToOnpremTlsValidationFails,
  exoToOnpremStarttlsUnavailable,
  exoToOnpremConnectionFails,
  exoLandsOnWrongReceiveConnector,
  cmtInboundRelayDenied,
  certificateNotEnabledForSmtp,
  onpremToExoTlsValidationFails,
  legacyOrWrongExoEndpoint,
  recipientBlockedByDbeb,
  crossPremisesTrustDisabled,
  traceOnpremSendTlsError,
  traceMessageExpired,
  traceRecipientNotFound,
  traceIpThrottled,
  traceDaneMtastsFailure,
  traceMixedRegionDeferral,
  traceAllowListRelayBlock,
  flowFails,
];

export function ruleContext(c: Case, simulation: SimulationRun): RuleContext {
  return { case: c, simulation, at: simulation.context.at, presenters: collectPresenters(c, simulation.context) };
}

/** Runs every rule (or the given ones); most severe first, then by rule and message for stable output. */
export function runRules(ctx: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  const findings = rules.filter((r) => !r.afterOthers).flatMap((r) => flattenFindingTexts(r.run(ctx)));
  for (const r of rules) if (r.afterOthers) findings.push(...flattenFindingTexts(r.run(ctx, [...findings])));
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
}
