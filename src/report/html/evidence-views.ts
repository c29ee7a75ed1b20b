import { clip, html, join, type Html } from './escape.js';
import type { EvidenceViews, HeaderMessageView, SessionRow, TraceImpactRow } from './evidence-model.js';

/**
 * Evidence as an admin reads it: the message trace impact (messages per day, per sender domain,
 * through each connector — a stacked bar chart per connector and the numbers in a table), the
 * SMTP sessions from captures and logs as a table, and header hops as Message Header Analyzer
 * lists them (oldest first, with the delay since the previous hop).
 */

const PALETTE = 7;
const MAX_CONNECTORS = 8;
const MAX_DOMAINS = PALETTE - 1;

/** `11-17`, or `11-17…11-19` for a group the evidence only dates by its first and last day. */
function dayLabel(d: string): string {
  if (!/^\d{4}-/.test(d)) return d;
  return d.split('…').map((x) => x.slice(5)).join('…');
}

function traceChart(connector: string, rows: readonly TraceImpactRow[], n: number, colour: (domain: string) => { name: string; index: number }): Html {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  // Series in colour order, so a sender domain has the same colour in every connector's chart.
  const series = [...new Map(rows.map((r) => colour(r.senderDomain)).sort((a, b) => a.index - b.index).map((x) => [x.name, x])).values()];
  const cell = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.day}\u0000${colour(r.senderDomain).name}`;
    cell.set(k, (cell.get(k) ?? 0) + r.messages);
  }
  const dayTotal = days.map((d) => series.reduce((s, x) => s + (cell.get(`${d}\u0000${x.name}`) ?? 0), 0));
  const max = Math.max(1, ...dayTotal);
  const barW = 34;
  const step = Math.max(56, ...days.map((d) => dayLabel(d).length * 6 + 14));
  const chartH = 160;
  const top0 = 20;
  const left = 50;
  const width = Math.max(320, left + days.length * step + 20);
  const height = top0 + chartH + 36;
  const base = top0 + chartH;
  const bars: Html[] = [];
  days.forEach((d, i) => {
    let top = base;
    const x = left + i * step + (step - barW) / 2;
    series.forEach((s) => {
      const v = cell.get(`${d}\u0000${s.name}`) ?? 0;
      if (v === 0) return;
      const h = Math.max(1, (v / max) * chartH);
      top -= h;
      bars.push(html`<rect class="c${s.index}" x="${x}" y="${top.toFixed(1)}" width="${barW}" height="${h.toFixed(1)}"><title>${d}: ${v} message(s) from ${s.name} through ${connector}</title></rect>`);
    });
    bars.push(html`<text class="lbl" x="${x + barW / 2}" y="${base + 16}" font-size="10" text-anchor="middle">${dayLabel(d)}</text><text x="${x + barW / 2}" y="${top - 4}" font-size="10" text-anchor="middle">${dayTotal[i]}</text>`);
  });
  const axis = html`<g class="axis"><line x1="${left}" y1="${base}" x2="${width - 10}" y2="${base}"></line><line x1="${left}" y1="${top0}" x2="${left}" y2="${base}"></line></g><text class="lbl" x="${left - 6}" y="${top0 + 4}" font-size="10" text-anchor="end">${max}</text><text class="lbl" x="${left - 6}" y="${base + 3}" font-size="10" text-anchor="end">0</text>`;
  const legend = html`<ul class="legend">${series.map((s) => html`<li><span class="sw sw${s.index}"></span>${s.name} (${rows.filter((r) => colour(r.senderDomain).name === s.name).reduce((a, r) => a + r.messages, 0)})</li>`)}</ul>`;
  const failed = rows.reduce((a, r) => a + r.failed, 0);
  const ranged = days.some((d) => d.includes('…')) ? html`<p class="muted">A bar labelled first…last day counts messages of one route the evidence dates only by its first and last message.</p>` : '';
  return html`<h4>Through ${connector}: ${rows.reduce((a, r) => a + r.messages, 0)} message(s)${failed > 0 ? html`, <span class="anomaly">${failed} not delivered</span>` : ''}</h4><div class="scroll"><svg class="trace-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="trace-chart-${n}-t"><title id="trace-chart-${n}-t">Messages per day per sender domain through ${connector}</title>${axis}${join(bars)}</svg></div>${legend}${ranged}`;
}

export function renderTraceImpact(rows: readonly TraceImpactRow[], total: number): Html {
  if (rows.length === 0) return html`<p class="muted">No message trace in the inputs.</p>`;
  const byConnector = new Map<string, TraceImpactRow[]>();
  for (const r of rows) byConnector.set(r.connector, [...(byConnector.get(r.connector) ?? []), r]);
  const ranked = [...byConnector.entries()].sort((a, b) => b[1].reduce((s, r) => s + r.messages, 0) - a[1].reduce((s, r) => s + r.messages, 0));
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.senderDomain, (totals.get(r.senderDomain) ?? 0) + r.messages);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_DOMAINS).map(([d]) => d);
  const colour = (d: string) => (top.includes(d) ? { name: d, index: top.indexOf(d) } : { name: 'other domains', index: MAX_DOMAINS });
  const charts = ranked.slice(0, MAX_CONNECTORS).map(([c, list], i) => traceChart(c, list, i, colour));
  const table = html`<details><summary>The numbers (${rows.length} row(s)${total > rows.length ? ` of ${total}` : ''})</summary><div class="body scroll"><table><thead><tr><th scope="col">day</th><th scope="col">connector</th><th scope="col">sender domain</th><th scope="col">messages</th><th scope="col">not delivered</th><th scope="col">status</th></tr></thead><tbody>${rows.map((r) => html`<tr><td>${r.day}</td><td>${r.connector}</td><td>${r.senderDomain}</td><td>${r.messages}</td><td>${r.failed}</td><td>${r.status}</td></tr>`)}</tbody></table></div></details>`;
  const more = ranked.length > MAX_CONNECTORS ? html`<p class="muted">${ranked.length - MAX_CONNECTORS} more connector(s) in the table.</p>` : '';
  return html`${join(charts)}${more}${table}`;
}

export function renderSessions(rows: readonly SessionRow[], total: number): Html {
  if (rows.length === 0) return html`<p class="muted">No SMTP session from a capture or a protocol log in the inputs.</p>`;
  const body = rows.map(
    (s) =>
      html`<tr><td>${s.at ?? '—'}</td><td>${s.client}${s.ehlo ? html`<br><span class="muted">EHLO ${s.ehlo}</span>` : ''}</td><td>${s.server}${s.serverName ? html`<br><span class="muted">${s.serverName}</span>` : ''}${s.connector ? html`<br><span class="muted">connector ${s.connector}</span>` : ''}</td><td>${s.starttls}${s.tlsVersion ? ` · ${s.tlsVersion}` : ''}</td><td>${s.serverCertificate ?? '—'}</td><td>${s.clientCertificate}</td><td>${s.replies.map((r) => html`<code>${r}</code><br>`)}</td><td>${s.count}</td><td><code>${s.source}</code></td></tr>`,
  );
  return html`<p>${total} session(s)${total > rows.length ? `; the first ${rows.length} kinds are listed` : ''}.</p><div class="scroll"><table><thead><tr><th scope="col">start</th><th scope="col">client</th><th scope="col">server</th><th scope="col">STARTTLS</th><th scope="col">server certificate</th><th scope="col">client certificate</th><th scope="col">notable replies</th><th scope="col">sessions</th><th scope="col">source</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

function delay(s: number | null): string {
  if (s === null) return '—';
  const sign = s < 0 ? '−' : '';
  const a = Math.abs(s);
  return a < 60 ? `${sign}${a} s` : a < 3600 ? `${sign}${Math.floor(a / 60)} min ${a % 60} s` : `${sign}${Math.floor(a / 3600)} h ${Math.floor((a % 3600) / 60)} min`;
}

export function renderHeaderHops(messages: readonly HeaderMessageView[], total: number): Html {
  if (messages.length === 0) return html`<p class="muted">No message headers in the inputs.</p>`;
  const one = (m: HeaderMessageView, i: number) => {
    const rows = m.hops.map((h) => html`<tr${h.delaySeconds !== null && h.delaySeconds < 0 ? html` class="anomaly"` : ''}><td>${h.number}</td><td>${delay(h.delaySeconds)}</td><td>${h.from ?? '—'}${h.ip ? html`<br><span class="muted">${h.ip}</span>` : ''}</td><td>${h.by ?? '—'}</td><td>${h.with ?? '—'}${h.tls ? html`<br><span class="muted">${h.tls}</span>` : ''}</td><td>${h.date ?? '—'}</td><td>${h.kind}</td></tr>`);
    const table = html`<div class="scroll"><table><thead><tr><th scope="col">hop</th><th scope="col">delay</th><th scope="col">from</th><th scope="col">by</th><th scope="col">with</th><th scope="col">time (UTC)</th><th scope="col">stamped by</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    const head = `${m.subject ?? '(no subject)'} — ${m.from ?? 'unknown sender'}`;
    return html`<details${i === 0 ? html` open` : ''}><summary>${head}</summary><div class="body"><p class="muted">${m.messageId ? `Message-ID ${m.messageId} · ` : ''}${m.authAs ? `AuthAs ${m.authAs} · ` : ''}<code>${m.source}</code></p>${table}</div></details>`;
  };
  return html`<p>${total} message(s)${total > messages.length ? `; the first ${messages.length} are shown` : ''}.</p>${join(messages.map(one))}`;
}

export function renderEvidence(v: EvidenceViews): Html {
  return html`<h3>Message trace impact</h3>${renderTraceImpact(v.trace, v.traceTotal)}<h3>SMTP sessions</h3>${renderSessions(v.sessions, v.sessionsTotal)}<h3>Header hops</h3>${renderHeaderHops(v.messages, v.messagesTotal)}`;
}
