import type { Certificate } from '../model/certificate.js';

/**
 * What Exchange Online presents when it connects out (EXO-SEMANTICS M2): the
 * mail.protection.outlook.com certificate (GlobalSign-rooted) from an address in its published
 * SMTP ranges. The address is a representative one from 40.107.0.0/16 (M7).
 */
export const EXCHANGE_ONLINE_SOURCE_IP = '40.107.0.25';
export const EXCHANGE_ONLINE_EHLO = 'outbound.protection.outlook.com';

export const EXCHANGE_ONLINE_CERTIFICATE: Certificate = {
  Thumbprint: 'EXCHANGE-ONLINE',
  Subject: 'CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=Washington, C=US',
  Issuer: 'CN=GlobalSign Organization Validation CA - SHA256 - G3, O=GlobalSign nv-sa, C=BE',
  CertificateDomains: ['mail.protection.outlook.com', '*.mail.protection.outlook.com'],
  NotBefore: null,
  NotAfter: null,
  IsSelfSigned: false,
  HasPrivateKey: true,
  Services: 'SMTP',
  RootCAType: 'ThirdParty',
  Status: 'Valid',
  Server: null,
  File: null,
  Sha256: null,
  names: ['mail.protection.outlook.com', '*.mail.protection.outlook.com'],
  commonName: 'mail.protection.outlook.com',
  trust: { publiclyTrusted: true, reason: "Exchange Online's own certificate" },
  extra: {},
  provenance: { file: '(Exchange Online)' },
};

/** A sender on the internet with no certificate, for flows whose sender is outside the case. */
export const INTERNET_SENDER = { ip: '198.51.100.25', ehlo: 'mail.sender.example' } as const;
