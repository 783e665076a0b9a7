/** The report's only stylesheet, inlined into the page: no external fonts, images or scripts. */
export const REPORT_CSS = `
:root {
  --bg: #f4f5f7; --card: #ffffff; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb;
  --pos: #16803c; --neg: #c2410c; --accent: #0072b2;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1240px; margin: 0 auto; padding: 28px 24px 48px; }
header h1 { margin: 0 0 4px; font-size: 26px; letter-spacing: -0.01em; }
header .meta { margin: 0; color: var(--muted); font-size: 14px; }
header .meta span + span::before { content: "·"; margin: 0 8px; color: #c0c4cc; }
section { margin-top: 30px; }
h2 { font-size: 18px; margin: 0 0 4px; }
p.note { margin: 0 0 12px; color: var(--muted); font-size: 14px; max-width: 860px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-top: 20px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px;
}
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 24px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .sub { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; }
.card.primary { border-left: 4px solid var(--accent); }
.pos { color: var(--pos); }
.neg { color: var(--neg); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 14px; }
.grid.three { grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); }
figure {
  margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 14px 8px; min-width: 0;
}
figure + figure { margin-top: 14px; }
.grid > figure + figure { margin-top: 0; }
figcaption { font-weight: 600; font-size: 15px; margin-bottom: 4px; }
figcaption small { font-weight: 400; color: var(--muted); margin-left: 6px; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
.table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; margin-top: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: #f9fafb; color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
th:first-child, td:first-child { text-align: left; }
tr:last-child td { border-bottom: none; }
table.kv td:first-child { color: var(--muted); width: 40%; }
figure table.kv td:first-child { width: 62%; }
figure .table-wrap { border: none; border-radius: 0; margin-top: 6px; }
figure .table-wrap + .table-wrap { margin-top: 18px; }
table.kv td { text-align: left; white-space: normal; }
.stats { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 0 0 12px; font-size: 14px; }
.stats b { font-variant-numeric: tabular-nums; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
@media (max-width: 560px) {
  main { padding: 16px 12px 32px; }
  .grid, .grid.three { grid-template-columns: 1fr; }
  /* Wide charts keep legible text on a phone by scrolling sideways instead of shrinking. */
  figure { overflow-x: auto; }
  svg.chart { min-width: 520px; }
}
@media print { body { background: #fff; } figure, .card, .table-wrap { break-inside: avoid; } }
`;
