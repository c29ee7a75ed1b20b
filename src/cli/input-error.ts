/** The case cannot be read at all (CONTRACT exit status 2): the message names each file and reason. */
export class InputError extends Error {}
