/**
 * Exchange Online's published SMTP ranges: Microsoft 365 endpoints web service, ID 10
 * (*.mail.protection.outlook.com, TCP 25). EXO-SEMANTICS M7, research S54.
 * https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges
 */
export const EXCHANGE_ONLINE_SMTP_RANGES = {
  takenOn: '2026-11-01',
  endpointsVersion: 'worldwide, endpoint set ID 10',
  ranges: ['40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14', '104.47.0.0/17', '2a01:111:f400::/48', '2a01:111:f403::/48'],
} as const;
