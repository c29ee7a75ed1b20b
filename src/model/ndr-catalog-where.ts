/** Where a fix step runs (NDR-CATALOG.md "Run in"), written once so every entry says it the same way. */
export const EXO = 'Exchange Online PowerShell';
export const EMS = 'Exchange Management Shell';
export const WINPS = 'Windows PowerShell on the Exchange server';
export const ADMIN_CENTER = 'Microsoft 365 admin center';
export const HCW = 'Hybrid Configuration Wizard';
export const DNS = 'DNS';
export const NETWORK = 'network / firewall';
export const SUPPORT = 'Microsoft support';
export const DESTINATION = 'the destination domain (its DNS and mail server)';
