/** The live dashboard's stylesheet, inlined into the page (dark, dense, readable on a wall screen). */
export const DASHBOARD_CSS = `
:root { color-scheme: dark; --bg: #0f1419; --panel: #171e26; --line: #2a3441; --text: #e6edf3;
  --muted: #8b98a5; --ok: #4ade80; --warn: #facc15; --bad: #f87171; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { display: flex; align-items: center; gap: 12px; padding: 12px 20px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 18px; margin: 0 12px 0 0; font-weight: 600; }
header .spacer { flex: 1; }
main { display: grid; grid-template-columns: repeat(12, 1fr); gap: 14px; padding: 14px 20px 24px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
section h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 0 0 8px; font-weight: 600; }
.kpi { grid-column: span 3; }
.half { grid-column: span 6; }
.third { grid-column: span 4; }
.full { grid-column: span 12; }
@media (max-width: 1100px) { .kpi { grid-column: span 6; } .half, .third { grid-column: span 12; } }
.big { font-size: 30px; font-weight: 650; font-variant-numeric: tabular-nums; }
.big.pos { color: var(--ok); } .big.neg { color: var(--bad); }
.sub { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; margin-top: 2px; }
svg { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .zero { stroke: var(--muted); stroke-dasharray: 4 4; }
svg .line { fill: none; stroke-width: 2; }
svg .axis { fill: var(--muted); font-size: 12px; }
svg .value { fill: var(--text); font-size: 11px; }
svg .legend { font-size: 13px; font-weight: 600; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th:first-child, td:first-child { text-align: left; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.ok { color: var(--ok); } td.bad { color: var(--bad); }
.chip { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: 12px; margin: 2px 4px 2px 0;
  border: 1px solid var(--line); }
.chip.ok { color: var(--ok); border-color: #1f5135; background: #12261b; }
.chip.bad { color: var(--bad); border-color: #6b2323; background: #2a1414; }
.routing-bar { display: flex; height: 22px; border-radius: 5px; overflow: hidden; background: var(--line); }
.routing-bar .seg { height: 100%; transition: width .4s; }
.legend-item { display: inline-block; margin: 8px 14px 0 0; font-size: 13px; }
.legend-item::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  background: var(--dot); margin-right: 6px; }
.risk-row { display: grid; grid-template-columns: 170px 1fr 64px; align-items: center; gap: 10px; margin: 6px 0; }
.risk-name { color: var(--muted); font-size: 13px; }
.risk-track { height: 12px; background: var(--line); border-radius: 6px; overflow: hidden; }
.risk-fill { height: 100%; transition: width .4s; }
.risk-fill.ok { background: var(--ok); } .risk-fill.warn { background: var(--warn); }
.risk-fill.bad { background: var(--bad); }
.risk-pct { text-align: right; font-variant-numeric: tabular-nums; }
section h2.gap { margin-top: 14px; }
#problems { color: var(--bad); margin: 6px 0 0; padding-left: 18px; }
`;
