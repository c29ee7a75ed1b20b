/** The environment variable a PFX's passphrase is read from: never a command-line argument, which other users can see. */
export const PFX_PASSPHRASE_VARIABLE = 'MFD_PFX_PASSPHRASE';
