"""The similarity page's additions to the class report's style sheet: pairs, verdict badges and
code side by side; in print a page per pair, both sides kept side by side."""

SIMILARITY_STYLE = """
.summary-section > p:first-child { margin-top: 0; }
.settings { grid-template-columns: max-content 1fr; max-width: 34em; }
.settings dd { text-align: left; }
.who, .who .name { unicode-bidi: isolate; }
.who code { font-weight: 600; }
.who .name { margin-left: .25em; }
.who .about { color: var(--muted); font-size: 12.5px; }
h2 .who { margin-right: .9em; }
.side-label { display: inline-block; min-width: 1.5em; padding: 0 .35em; border-radius: 3px;
  background: var(--accent); color: #fff; font-size: 11px; font-weight: 700; text-align: center;
  vertical-align: middle; }
.verdict { display: inline-block; padding: 0 8px; border-radius: 10px; border: 1px solid #cbd2dc;
  font-size: 12px; font-weight: 600; white-space: nowrap; }
.verdict.confirmed { background: #fde8e8; color: #8a1c1c; border-color: #e5a3a3; }
.verdict.to-discuss { background: #fff7ed; color: #92400e; border-color: #f4c58d; }
.verdict.dismissed { background: #f3f4f6; color: #4b5563; }
.verdict.none { color: var(--muted); font-weight: 400; }
.pair-row { display: grid; grid-template-columns: 230px minmax(0, 1fr); gap: 20px; align-items: start; }
.pair-facts { margin-top: 0; }
.pair-facts dd { white-space: nowrap; }
.decision p { margin: 0 0 6px; }
.recorded { color: var(--muted); font-size: 12.5px; }
.verdict-note { margin: 6px 0 0; padding: 8px 12px; border-left: 4px solid #cbd2dc; background: var(--soft);
  white-space: pre-wrap; overflow-wrap: anywhere; }
.fragment { margin: 18px 0 0; }
.fragment h4 { margin-bottom: 6px; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
.where { margin: 0 0 4px; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
pre.code { margin: 0; padding: 6px 8px 6px 0; background: #f8fafc; border: 1px solid var(--line);
  border-radius: 4px; font: 11.5px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  white-space: pre-wrap; overflow-wrap: anywhere; }
pre.code .row { display: block; padding-left: 4.2em; text-indent: -4.2em; }
pre.code .ln { display: inline-block; width: 3.4em; margin-right: .8em; text-align: right; color: #9ca3af;
  text-indent: 0; user-select: none; }
@media print {
  .pair-row { grid-template-columns: 200px minmax(0, 1fr); gap: 12px; }
  .fragment h4, .where { break-after: avoid; }
  .facts.pair-facts, .facts.settings { display: grid; gap: 2px 10px; }
  .facts.pair-facts dd { margin-right: 0; }
  pre.code { font-size: 7.5pt; border-color: #d1d5db; }
  pre.code .row { break-inside: avoid; }
  .verdict { border-color: #6b7280; }
}
"""
