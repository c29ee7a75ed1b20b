/** Minimal terminal styling; plain text when not on a colour terminal (NO_COLOR honoured). */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
  /** Wrap prose to this many columns (a terminal's width); null or absent: never wrap. */
  width?: number | null;
  /** Show every evidence line and flow instead of the first few (`--full`). */
  full?: boolean;
}

const wrap = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;

export const PLAIN: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s, cyan: (s) => s, green: (s) => s };
export const COLOR: Style = { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), yellow: wrap('33'), cyan: wrap('36'), green: wrap('32') };
