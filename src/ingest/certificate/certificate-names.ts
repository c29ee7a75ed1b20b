import { extname } from 'node:path';

/** Names under which admins save certificates: a file so named that does not parse is a broken certificate, not an unknown file. */
const CERTIFICATE_EXTENSIONS = new Set(['.cer', '.crt', '.pem', '.der', '.cert', '.p7b', '.p7c']);

export function hasCertificateName(file: string): boolean {
  return CERTIFICATE_EXTENSIONS.has(extname(file).toLowerCase());
}
