/**
 * `GET /`: one self-contained HTML page (inline CSS and script, SVG charts drawn by the script)
 * whose only other request is the WebSocket that feeds it. The Content-Security-Policy pins the
 * script and style by hash and allows no other origin, so the page cannot load anything else.
 */
import { createHash } from 'node:crypto';
import { DASHBOARD_CSS } from './dashboard-style.js';

export interface DashboardPage {
  html: string;
  /** The value of the page's Content-Security-Policy header. */
  csp: string;
}

const BODY = `
<header>
  <h1>hft-router · live</h1>
  <span id="connection" class="chip bad">connecting…</span>
  <span id="state" class="chip">–</span>
  <span class="spacer"></span>
  <span id="uptime" class="sub">–</span>
</header>
<main>
  <section class="kpi"><h2>P&amp;L (total)</h2><div id="pnl-total" class="big">–</div><div id="pnl-parts" class="sub">–</div></section>
  <section class="kpi"><h2>Tick rate</h2><div id="tick-rate" class="big">–</div><div id="ticks-total" class="sub">–</div></section>
  <section class="kpi"><h2>Orders</h2><div id="order-rate" class="big">–</div><div id="orders-total" class="sub">–</div></section>
  <section class="kpi"><h2>Tick → order p50</h2><div id="t2o-p50" class="big">–</div><div id="t2o-tail" class="sub">–</div></section>
  <section class="third"><h2>P&amp;L</h2><svg id="chart-pnl" role="img" aria-label="P&amp;L over time"></svg></section>
  <section class="third"><h2>Ticks per second</h2><svg id="chart-rate" role="img" aria-label="tick rate over time"></svg></section>
  <section class="third"><h2>Tick → order latency</h2><svg id="chart-t2o" role="img" aria-label="tick to order percentiles over time"></svg></section>
  <section class="half"><h2>Latency per venue: predicted vs measured</h2><svg id="chart-venues" role="img" aria-label="latency per venue"></svg></section>
  <section class="half"><h2>Venues</h2>
    <table><thead><tr><th>venue</th><th>forecast p50</th><th>forecast p99</th><th>measured p50</th><th>forecast error</th><th>fill ratio</th><th>breaker</th></tr></thead>
    <tbody id="venue-rows"></tbody></table>
    <h2 class="gap">Routing share</h2>
    <div id="routing-bar" class="routing-bar"></div><div id="routing-legend"></div>
  </section>
  <section class="half"><h2>Risk utilisation</h2><div id="risk"></div></section>
  <section class="half"><h2>Circuit breakers</h2><div id="breakers"></div>
    <h2 class="gap">Workers (heartbeat age)</h2><div id="workers"></div><ul id="problems"></ul></section>
</main>`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** Keeps the script's text from closing its own tag early. */
function inlineSafe(script: string): string {
  return script.replace(/<\/(script)/gi, '<\\/$1');
}

export function dashboardPage(clientScript: string): DashboardPage {
  const script = inlineSafe(clientScript);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hft-router · live</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_CSS}</style>
</head>
<body>${BODY}
<script type="module">${script}</script>
</body>
</html>
`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(DASHBOARD_CSS)}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return { html, csp };
}
