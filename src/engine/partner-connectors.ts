import type { AdmissionCheck } from './exo-admission.js';

/** Partner connector restrictions on Incoming mail (EXO-SEMANTICS M15). */
export const partnerConnectorCheck: AdmissionCheck = () => null;
