import type { AdmissionCheck } from './exo-admission.js';

/**
 * Tenant-level policies at Exchange Online (EXO-SEMANTICS M12): blocked connectors and tenants,
 * out-of-date on-premises servers, RejectDirectSend.
 */
export const blockedConnectorCheck: AdmissionCheck = () => null;
export const outOfDateServerCheck: AdmissionCheck = () => null;
export const directSendCheck: AdmissionCheck = () => null;
