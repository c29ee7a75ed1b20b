/**
 * The report's one stylesheet, inline (the page makes no request). Colour is never the only
 * signal: every state also has a word (ERROR, delivered, rejected, "changes"). A print
 * stylesheet drops the controls and lets sections break between blocks, not inside them.
 */
export const PAGE_CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;--err:#b42318;--errbg:#fdecea;--warn:#8a5300;--warnbg:#fff4d6;--info:#0b5cad;--infobg:#e8f1fb;--ok:#1a7f37;--okbg:#e6f4ea;--diff:#e67700;--exo:#e8f1fb;--gw:#f3ecfb;--srv:#eef6ee}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
a{color:var(--info)}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
header.top{background:#0f2740;color:#fff;padding:.8rem 1.2rem}
header.top h1{margin:0;font-size:1.25rem}
header.top p{margin:.2rem 0 0;color:#cfe0f3;font-size:.85rem}
nav.toc{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:.35rem 1.2rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem}
nav.toc a{text-decoration:none}
main{max-width:1200px;margin:0 auto;padding:0 1.2rem 3rem;overflow-wrap:break-word}
section{margin-top:1.6rem}
h2{font-size:1.15rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin:0 0 .7rem}
h3{font-size:1rem;margin:.2rem 0 .4rem}
h4{font-size:.92rem;margin:.8rem 0 .3rem}
.verdict{border-radius:8px;padding:.8rem 1rem;border:1px solid var(--line);background:var(--panel)}
.verdict .head{font-size:1.15rem;font-weight:700;margin:0 0 .3rem}
.verdict.error{background:var(--errbg);border-color:#f2b8b5}.verdict.error .head{color:var(--err)}
.verdict.warning{background:var(--warnbg);border-color:#f0d48a}.verdict.warning .head{color:var(--warn)}
.verdict.ok{background:var(--okbg);border-color:#a6dcb3}.verdict.ok .head{color:var(--ok)}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0;padding:0;list-style:none}
.counts li{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.25rem .6rem;font-size:.9rem}
.counts b{font-size:1.05rem}
.sev{display:inline-block;font-weight:700;font-size:.75rem;letter-spacing:.03em;border-radius:4px;padding:.05rem .4rem;vertical-align:.1em}
.sev.error{background:var(--err);color:#fff}.sev.warning{background:#8a4b00;color:#fff}.sev.info{background:var(--info);color:#fff}
.out{font-weight:600}.out.delivered{color:var(--ok)}.out.rejected,.out.dropped,.out.looped,.out.deferred{color:var(--err)}
.badge{display:inline-block;border-radius:999px;padding:0 .5rem;font-size:.78rem;border:1px solid var(--line);background:#fff}
.badge.verified{border-color:#a6dcb3;background:var(--okbg);color:#0f5323}.badge.not-verified{border-color:#f0d48a;background:var(--warnbg);color:var(--warn)}
.cause{border:1px solid var(--line);border-left:6px solid var(--line);border-radius:6px;padding:.6rem .9rem;margin:.8rem 0;background:#fff;break-inside:avoid}
.cause.error{border-left-color:var(--err)}.cause.warning{border-left-color:#8a4b00}.cause.info{border-left-color:var(--info)}
.cause p{margin:.3rem 0}
.rule{color:var(--muted);font-size:.85rem}
ol.fix{padding-left:1.4rem}ol.fix li{margin:.3rem 0}
pre.cmd{background:#0f2740;color:#f0f6fc;border-radius:6px;padding:.45rem .6rem;margin:.25rem 0;white-space:pre-wrap;word-break:break-all;font-size:.84rem}
.where{color:var(--muted);font-size:.85rem}
code.url{word-break:break-all}details.ruledoc{margin:.3rem 0;scroll-margin-top:4.5rem}details.ruledoc h4{margin:.5rem 0 .2rem}
table{border-collapse:collapse;width:100%;font-size:.86rem;margin:.3rem 0}
th,td{border:1px solid var(--line);padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:var(--panel)}
td{overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}
details{border:1px solid var(--line);border-radius:6px;margin:.4rem 0;background:#fff}
details>summary{cursor:pointer;padding:.35rem .6rem;font-weight:600}
details>.body{padding:.2rem .8rem .6rem}
.muted{color:var(--muted)}
.anomaly{color:#9a4a00}
.compare{display:grid;grid-template-columns:1fr 1fr;gap:1rem;align-items:start}
.compare.single{grid-template-columns:1fr}
.side{border:1px solid var(--line);border-radius:6px;padding:.4rem;background:#fff;min-width:0}
.side h4{margin:.1rem 0 .3rem}
.flowcard{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;margin:1rem 0;background:var(--panel);break-inside:avoid}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:system-ui,"DejaVu Sans",sans-serif;fill:#1b1f24}
svg .n rect{fill:#fff;stroke:#6e7781;stroke-width:1.2}
svg .n.exo rect{fill:var(--exo)}svg .n.gw rect{fill:var(--gw)}svg .n.srv rect{fill:var(--srv)}
svg .n .sub,svg .lbl{fill:#57606a}
svg .e line,svg .e path{stroke:#57606a;stroke-width:1.6;fill:none}
svg .e polygon{fill:#57606a}
svg .e.internal line{stroke-dasharray:4 3}
svg .e.fail line,svg .e.fail path{stroke:var(--err)}svg .e.fail polygon{fill:var(--err)}
svg .diff rect{stroke:var(--diff);stroke-width:3;stroke-dasharray:7 3}
svg .e.diff line,svg .e.diff path{stroke:var(--diff);stroke-width:3}svg .e.diff polygon{fill:var(--diff)}
svg .outcome rect{stroke:none}svg .outcome.ok rect{fill:var(--okbg)}svg .outcome.bad rect{fill:var(--errbg)}
svg .outcome.diff rect{stroke:var(--diff);stroke-width:3}
svg .k.flagged rect{stroke:var(--err);stroke-width:2.5}
svg .m path{stroke:#57606a;stroke-width:1.4;fill:none}
svg .m.ip path{stroke-dasharray:5 3}
svg .m.foreign path{stroke:var(--diff);stroke-width:2.4}
svg .m.flagged path{stroke:var(--err);stroke-width:2.4}
svg .t rect{fill:var(--exo);stroke:#6e7781}
svg .axis line{stroke:#8c959f}
.diffs{margin:.4rem 0 0;padding-left:1.2rem;color:#9a4a00}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.82rem;color:var(--muted);margin:.3rem 0;padding:0;list-style:none}
.sw{display:inline-block;width:.8rem;height:.8rem;border:1px solid #6e7781;vertical-align:-.1em;margin-right:.25rem}
.sw0{background:#4c78a8}.sw1{background:#f58518}.sw2{background:#54a24b}.sw3{background:#b279a2}.sw4{background:#e45756}.sw5{background:#72b7b2}.sw6{background:#9d755d}
svg .c0{fill:#4c78a8}svg .c1{fill:#f58518}svg .c2{fill:#54a24b}svg .c3{fill:#b279a2}svg .c4{fill:#e45756}svg .c5{fill:#72b7b2}svg .c6{fill:#9d755d}
.filters{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
.filters button{font:inherit;font-size:.85rem;border:1px solid var(--line);background:#fff;border-radius:999px;padding:.15rem .7rem;cursor:pointer;color:var(--fg)}
.filters button[aria-pressed="true"]{background:#0f2740;color:#fff;border-color:#0f2740}
.hidden{display:none}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
@media (max-width:760px){
  html{font-size:14px}
  main{padding:0 .6rem 2rem}
  header.top,nav.toc{padding-left:.6rem;padding-right:.6rem}
  .compare{grid-template-columns:1fr}
  th,td{padding:.2rem .25rem}
}
@media print{
  nav.toc,.filters,.noprint{display:none!important}
  header.top{background:none;color:#000;border-bottom:2px solid #000}
  header.top p{color:#333}
  main{max-width:none;padding:0}
  section{break-before:auto}
  h2{break-after:avoid}
  .cause,.flowcard,details,tr,svg{break-inside:avoid}
  pre.cmd{background:#fff;color:#000;border:1px solid #999}
  .hidden{display:revert}
  a{color:inherit;text-decoration:none}
}
`;
