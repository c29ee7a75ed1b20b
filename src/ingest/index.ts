/** The ingest layer's front door: files and folders in, one Case out. */
export { loadCase, type LoadedCase } from './load-case.js';
export { detectKind, type InputKind } from './detect.js';
export { readTopology, type TopologyReadResult } from './topology/read-topology.js';
export { detectTopology } from './topology/detect-topology.js';
export { checkCaseReferences } from './topology/check-references.js';
export { mergeCaseInto, mergeCertificates } from './merge-case.js';
export {
  detectCertificate,
  readCertificateFile,
  readCertificateBytes,
  certificateFromX509,
  inlineCertificateTrust,
  type CertificateFileRead,
} from './certificate/read-certificate.js';
export { judgeChainTrust, type TrustJudgement } from './certificate/chain-trust.js';
export { windowsDistinguishedName } from './certificate/x509-names.js';
