/**
 * A count (a non-negative integer) as `toLocaleString('en-US')` writes it (`253,661`), without
 * loading the locale data: a first toLocaleString call costs a short run tens of milliseconds,
 * and the readers' diagnostics are the only numbers a reader writes.
 */
export function countText(n: number): string {
  const digits = String(n);
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}
