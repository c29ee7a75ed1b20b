import type { AdmissionCheck } from './exo-admission.js';

/** Directory-Based Edge Blocking at the service perimeter (EXO-SEMANTICS M11). */
export const directoryCheckAtPerimeter: AdmissionCheck = () => null;
