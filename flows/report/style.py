"""The report's stylesheet (inline; local fonts only; prints on A4)."""

CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans", "Segoe UI", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  font-size: 10pt; line-height: 1.35; color: #222; margin: 0 auto; max-width: 1100px;
  padding: 16px; background: #fff; }
h1 { font-size: 17pt; margin: 0 0 4px; color: #1f3b5a; }
h2 { font-size: 14pt; margin: 22px 0 8px; padding: 4px 8px; background: #1f3b5a; color: #fff;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 16px 0 6px; color: #1f3b5a; border-bottom: 1px solid #c8d3df;
  break-after: avoid; page-break-after: avoid; }
h4 { font-size: 10pt; margin: 2px 0; }
.en { color: #555; font-weight: normal; }
.muted, .note { color: #555; font-size: 8.5pt; }
.subtitle { margin: 0 0 2px; }
.banner { border-left: 4px solid #b35c00; background: #fff4e5; padding: 4px 8px; margin: 6px 0; }
.toc { columns: 2; font-size: 9pt; margin: 8px 0; padding-left: 18px; }
a { color: #1f4e79; }
.cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; }
.card { border: 1px solid #c8d3df; border-radius: 4px; padding: 6px 8px; background: #fff;
  break-inside: avoid; page-break-inside: avoid; }
.kpi-card { border-top-width: 4px; }
.kpi-card header { display: flex; flex-wrap: wrap; justify-content: space-between;
  align-items: flex-start; gap: 2px 4px; font-size: 8pt; }
.kpi-card .code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; color: #555;
  overflow-wrap: anywhere; }
.kpi-card .name-en { color: #555; font-size: 8pt; margin: 0 0 4px; }
.figures { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 8px; margin: 4px 0; }
.figures div { min-width: 0; }
.figures dt { font-size: 7.5pt; color: #555; }
.figures dd { margin: 0; font-weight: bold; overflow-wrap: anywhere; }
.figures .actual dd { font-size: 12pt; color: #1f4e79; }
.figures .unit { font-weight: normal; font-size: 8pt; color: #555; }
.chart { width: 100%; height: auto; display: block; }
.chart.bars { max-width: 700px; margin: 4px 0; }
.nowrap { white-space: nowrap; }
.meta { font-size: 7.5pt; color: #555; margin: 2px 0 0; }
.badge { display: inline-block; padding: 1px 5px; border-radius: 3px; font-size: 7.5pt;
  font-weight: bold; white-space: nowrap; border: 1px solid transparent; }
.st-met { background: #e3f2e5; color: #1b5e20; border-color: #2e7d32; }
.st-not_met { background: #fde7e7; color: #8e1b1b; border-color: #c62828; }
.st-on_track { background: #e3eefa; color: #164a7a; border-color: #1f4e79; }
.st-at_risk { background: #fff1d6; color: #7a4a00; border-color: #e0a100; }
.st-no_data, .st-unknown { background: #eeeeee; color: #444; border-color: #999; }
.kpi-card.k-met { border-top-color: #2e7d32; }
.kpi-card.k-not_met { border-top-color: #c62828; }
.kpi-card.k-on_track { border-top-color: #1f4e79; }
.kpi-card.k-at_risk { border-top-color: #e0a100; }
.kpi-card.k-no_data { border-top-color: #999; }
.summary { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.legend { font-size: 8pt; color: #444; margin: 4px 0 8px; }
.legend span { margin-right: 12px; white-space: nowrap; }
.swatch { display: inline-block; width: 18px; height: 0; vertical-align: middle;
  border-top: 2px solid; margin-right: 3px; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4px 0 8px; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #c8d3df; padding: 2px 4px; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
th { background: #eef2f6; font-weight: bold; }
th .en { display: block; font-size: 7.5pt; }
td.num { text-align: right; white-space: nowrap; }
th.num { text-align: right; }
th { overflow-wrap: normal; hyphens: manual; }
td.label, th.label { min-width: 9em; }
tr.total td { font-weight: bold; background: #f5f7f9; }
table.grid { table-layout: fixed; font-size: 7.5pt; }
table.grid th, table.grid td { padding: 1px 2px; text-align: center; }
table.grid td.label, table.grid th.label { text-align: left; width: 30%; }
table.scorecard { table-layout: fixed; }
table.scorecard td.num { white-space: normal; }
table.scorecard th:first-child { width: 30%; }
table.scorecard td:last-child, table.scorecard th:last-child { width: 19%; }
table.scorecard th.last-year { width: 17%; }
table.scorecard .badge { white-space: normal; }
table.scorecard td { padding: 1px 3px; }
table.scorecard .code { display: block; font-size: 7pt; color: #666;
  font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; }
table.scorecard .unit, table.scorecard .muted, table.scorecard .delta { font-size: 7.5pt;
  color: #555; font-weight: normal; }
.no-projection { color: #7a4a00; font-style: italic; font-size: 7.5pt; }
.risks, .follow-lines { margin: 4px 0; padding-left: 0; list-style: none; }
.risks li, .follow-lines li { margin: 2px 0; break-inside: avoid; page-break-inside: avoid; }
.cell-on_time { background: #e3f2e5; color: #1b5e20; }
.cell-late { background: #fff1d6; color: #7a4a00; font-weight: bold; }
.cell-missing { background: #fde7e7; color: #8e1b1b; font-weight: bold; }
.cell-none { background: #fff; color: #aaa; }
.cell-ok { background: #e3f2e5; }
.cell-warn { background: #fff1d6; }
.cell-bad { background: #fde7e7; }
.sev-high { color: #8e1b1b; font-weight: bold; }
.sev-medium { color: #7a4a00; font-weight: bold; }
.sev-low { color: #444; }
.section-error { border: 1px solid #c62828; background: #fde7e7; padding: 4px 8px; }
.empty { color: #555; font-style: italic; }
footer { margin-top: 24px; border-top: 1px solid #c8d3df; padding-top: 6px; font-size: 8pt;
  color: #555; }
@media (max-width: 800px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  h2 { margin-top: 14px; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px; }
  .plan { break-before: page; page-break-before: always; }
  .plan.first { break-before: auto; page-break-before: auto; }
  .toc { display: none; }
  .brief h2 { margin-top: 0; }
  .brief h3 { margin: 8px 0 4px; }
  table.scorecard, .risks, .follow-lines { font-size: 8pt; }
  a { color: inherit; text-decoration: none; }
}
"""
