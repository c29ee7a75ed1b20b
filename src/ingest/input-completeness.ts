/** Whether the case was read whole: judged in the model (src/model/input-completeness.ts), which the report layer reads too. */
export { incompleteInputs, inputProblemCounts, type IncompleteInput, type IncompleteInputs, type InputProblemCounts } from '../model/input-completeness.js';
