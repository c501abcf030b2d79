"""The class report's style sheet: on screen a centred page, in print A4/Letter with a page per part."""

STYLE = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --accent: #1e3a5f; --soft: #f6f7f9; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef0f3; color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans",
    "Helvetica Neue", Arial, sans-serif;
  font-variant-numeric: tabular-nums; }
main { max-width: 1040px; margin: 28px auto; background: #fff; padding: 40px 52px 28px;
  border-radius: 6px; box-shadow: 0 1px 3px rgba(15, 23, 42, .12); }
header.report { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 22px; }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 11.5px;
  font-weight: 600; color: var(--muted); }
h1 { font-size: 30px; line-height: 1.2; margin: 4px 0 6px; color: var(--accent); }
h2 { font-size: 22px; line-height: 1.25; margin: 2px 0 12px; color: var(--accent); }
h3 { font-size: 15px; margin: 26px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h4 { font-size: 13.5px; margin: 0; }
.meta { margin: 0; color: var(--muted); }
.meta span + span::before { content: "·"; margin: 0 .55em; }
.toc { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 10px 0 0; padding: 0;
  counter-reset: part; font-size: 13px; }
.toc li { counter-increment: part; } .toc li::before { content: counter(part) " "; color: var(--muted); }
.toc li:last-child::before { content: ""; }
.score-row svg { width: 100%; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin-bottom: 18px; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 4px;
  padding: 10px 14px; }
.card .value { font-size: 26px; font-weight: 700; line-height: 1.2; }
.card .label { color: var(--muted); font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  border-bottom: 2px solid #cbd2dc; }
.num { text-align: right; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--soft); }
a { color: var(--accent); }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .92em; }
section { margin-top: 38px; padding-top: 22px; border-top: 1px solid var(--line); }
section.summary-section { margin-top: 0; padding-top: 0; border-top: 0; }
figure { margin: 10px 0; break-inside: avoid; }
figcaption, .hint, .stat, .kind, .sub { font-size: 12px; color: var(--muted); }
.hint { margin: 0 0 10px; max-width: 60em; }
svg.chart { display: block; max-width: 100%; height: auto; overflow: visible; }
.states svg { width: 100%; }
.chips { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 6px; }
.chip { display: inline-flex; align-items: center; gap: 6px; color: var(--ink); }
.swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #9ca3af; }
.swatch.graded { background: #1e3a5f; } .swatch.in-progress { background: #6b93c4; }
.swatch.not-graded { background: #d1d5db; }
.swatch.missing { background: repeating-linear-gradient(45deg, #9ca3af 0 2px, #f3f4f6 2px 5px); }
.score-row { display: grid; grid-template-columns: minmax(0, 1fr) 190px; gap: 24px; align-items: start; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 14px 0 0;
  padding: 12px 14px; background: var(--soft); border-radius: 4px; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; text-align: right; font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 14px 18px; }
.small { border: 1px solid var(--line); border-radius: 4px; padding: 10px 12px 8px; break-inside: avoid; }
.small .kind { margin: 0 0 6px; } .small .stat { margin: 6px 0 0; } .small .sub { margin: 8px 0 2px; }
.note { background: #fff7ed; border-left: 4px solid #b45309; padding: 8px 12px; margin: 10px 0; }
.heat { margin: 0; } .heat + .heat svg { margin-top: -2px; }
.legend { margin: 8px 0 4px; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--line); font-size: 12px;
  color: var(--muted); }
@media screen and (max-width: 760px) {
  main { padding: 20px; } .cards { grid-template-columns: repeat(2, 1fr); }
  .score-row { grid-template-columns: 1fr; } }
@page { margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; border-radius: 0; }
  section { break-before: page; border-top: 0; margin-top: 0; padding-top: 0; }
  section.summary-section { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  tr, .small, figure, .cards { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  nav, footer { display: none; }
  .score-row { grid-template-columns: 1fr; gap: 6px; }
  .facts { display: flex; flex-wrap: wrap; gap: 4px 10px; margin: 0; }
  .facts dd { margin-right: 14px; }
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
"""
