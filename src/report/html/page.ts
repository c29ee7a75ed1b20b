import { createHash } from 'node:crypto';
import { html, join, raw, type Html } from './escape.js';
import { PAGE_CSS } from './page-style.js';
import { PAGE_SCRIPT } from './page-script.js';

/**
 * The page shell: one file, opened from file://, that may fetch nothing. The Content-Security-
 * Policy says so to the browser: `default-src 'none'` forbids every fetch (images, fonts, frames,
 * connections), and the one stylesheet and one script are allowed by their SHA-256 hashes rather
 * than 'unsafe-inline', so markup injected through a customer string could neither style nor run
 * anything even if escaping failed. The page therefore uses no style="" or on…="" attributes.
 */

export interface PageSection {
  id: string;
  title: string;
  body: Html;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

export function contentSecurityPolicy(): string {
  return [`default-src 'none'`, `style-src 'sha256-${sha256(PAGE_CSS)}'`, `script-src 'sha256-${sha256(PAGE_SCRIPT)}'`, `img-src 'none'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
}

export function renderPage(title: string, subtitle: string, sections: readonly PageSection[], footer: Html): string {
  const toc = join(sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`));
  const body = join(sections.map((s) => html`<section id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${s.title}</h2>${s.body}</section>`));
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${raw(PAGE_CSS)}</style>
</head>
<body>
<header class="top"><h1>${title}</h1><p>${subtitle}</p></header>
<nav class="toc" aria-label="Sections">${toc}</nav>
<main>
${body}
<footer>${footer}</footer>
</main>
<script>${raw(PAGE_SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
