/** IP address text as Exchange accepts it: checked and normalised in the model's one IP module. */
export { isIpAddress, isIpRange, normalizeIpText } from '../../model/ip-address.js';
