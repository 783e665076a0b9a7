/** The daemon's HTTP face: /metrics, /health, the live dashboard, /kill and /resume. */
import { RuntimeFault } from '../core/errors.js';
import { createLiveDashboard } from '../dashboard/live-dashboard.js';
import { ForecastTable } from '../ml/forecast-table.js';
import { type HealthReport, healthReport } from '../monitoring/health-report.js';
import { createMetricsRegistry } from '../monitoring/metrics.js';
import { Breaker } from '../run-state/control-block.js';
import type { Daemon } from './daemon-build.js';
import { type HttpServerHandle, startHttpServer } from './http-server.js';

export function daemonHealth(d: Daemon): HealthReport {
  return healthReport({
    workers: d.supervisor.health(),
    halted: d.state.halted(),
    breakers: d.breakers.status(),
    uptimeS: d.nowNs() / 1e9,
    heartbeatTimeoutMs: d.cfg.system.heartbeat_timeout_ms,
  });
}

/** The manual reset rule: an operator clears the kill switch, the loss limits and a ring fault. */
function resumeTrading(d: Daemon): string[] {
  const cleared = [Breaker.killSwitch, Breaker.lossLimit, Breaker.drawdown, Breaker.orderRingFull].filter(
    (b) => d.control.reset(b),
  );
  d.log.warn({ breakers: cleared.map((b) => b.name), source: 'POST /resume' }, 'trading resumed by operator');
  return cleared.map((b) => b.name);
}

/** Starts the HTTP server unless `system.metrics_port` is 0; a port in use is a runtime fault. */
export async function serveDaemon(d: Daemon): Promise<HttpServerHandle | null> {
  const { host, port } = { host: d.cfg.system.metrics_host, port: d.cfg.system.metrics_port };
  if (port === 0) return null;
  const health = () => daemonHealth(d);
  const server = await startHttpServer(host, port, {
    prom: createMetricsRegistry(d.registry, d.metrics, d.state, d.breakers),
    health,
    dashboard: createLiveDashboard({
      registry: d.registry,
      metrics: d.metrics,
      forecasts: new ForecastTable(d.handles.forecasts),
      risk: d.state,
      health,
      nowNs: d.nowNs,
    }),
    onError: (err) => d.log.error({ err }, 'dashboard snapshot failed'),
    kill: () => d.killSwitch('POST /kill'),
    resume: () => resumeTrading(d),
    adminToken: d.cfg.secrets.admin_token,
  }).catch((err: Error) => {
    throw new RuntimeFault(`cannot listen on ${host}:${port}: ${err.message}`);
  });
  d.log.info({ url: `http://${host}:${port}/metrics` }, 'metrics server listening');
  return server;
}
