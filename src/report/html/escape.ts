/**
 * Every string in the HTML report comes from customer files (connector names, certificate
 * subjects, log lines): it is escaped for the context it lands in, always. Text and attribute
 * values share one escaper that covers both (`&`, `<`, `>`, both quotes), so a value can move
 * between contexts without becoming unsafe.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A tagged template for HTML: every interpolated value is escaped unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = string | number | boolean | null | undefined | Html | readonly Part[];

function part(v: Part): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(part).join('');
  return esc(v as string | number | boolean | null | undefined);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Joins already-built fragments. */
export function join(parts: readonly Html[], separator = ''): Html {
  return new Html(parts.map((p) => p.text).join(separator));
}

/** Trusted markup written in this module (never customer data). */
export function raw(text: string): Html {
  return new Html(text);
}

/** An id safe for `id=` and `href="#…"` built from any text (counter-suffixed by callers when needed). */
export function slug(value: string): string {
  const s = value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'x';
}

/** Shortens long customer text for a diagram label; the full text goes into a <title>. */
export function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
