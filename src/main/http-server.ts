/**
 * The daemon's HTTP endpoints (docs/contract.md): GET /metrics, GET /health, GET / (the live dashboard,
 * fed over the WebSocket at /ws), POST /kill and POST /resume (bearer token). Unknown paths get
 * 404 and wrong methods 405 with `Allow`; a failing handler answers 500 and the daemon runs on.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry as PromRegistry } from 'prom-client';
import type { DashboardPage } from '../dashboard/dashboard-page.js';
import { DashboardSocket } from '../dashboard/dashboard-socket.js';
import type { HealthReport } from '../monitoring/health-report.js';

export interface HttpDeps {
  prom: PromRegistry;
  health: () => HealthReport;
  kill: () => void;
  /** Clears the manually reset breakers; returns their names. */
  resume: () => string[];
  adminToken: string | null;
  /** The live dashboard (null: `GET /` answers with a line naming the endpoints). */
  dashboard?: { page: DashboardPage; snapshot: () => object } | null;
  /** Where a dashboard snapshot that failed to build is reported. */
  onError?: (err: Error) => void;
}

export interface HttpServerHandle {
  readonly server: Server;
  /** Closes the dashboard's WebSockets and stops listening. */
  close(): void;
}

/** Methods each path answers; anything else on a known path is 405. */
const ROUTES: Record<string, readonly string[]> = {
  '/': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
  '/health': ['GET', 'HEAD'],
  '/kill': ['POST'],
  '/resume': ['POST'],
};

export async function startHttpServer(host: string, port: number, deps: HttpDeps): Promise<HttpServerHandle> {
  const server = createServer((req, res) => {
    handle(req, res, deps).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${err.message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const socket = deps.dashboard
    ? new DashboardSocket(server, deps.dashboard.snapshot, { onError: deps.onError })
    : null;
  return {
    server,
    close: () => {
      socket?.close();
      server.close();
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  const allowed = ROUTES[path];
  if (allowed === undefined) return send(res, 404, 'text/plain', `not found: ${path}\n`);
  if (!allowed.includes(method)) {
    res.setHeader('allow', allowed.join(', '));
    return send(
      res,
      405,
      'text/plain',
      `method ${method} not allowed on ${path}; use ${allowed.join(' or ')}\n`,
    );
  }
  if (path === '/metrics') return send(res, 200, deps.prom.contentType, await deps.prom.metrics());
  if (path === '/health') {
    const { ok, body } = deps.health();
    return send(res, ok ? 200 : 503, 'application/json', `${JSON.stringify(body)}\n`);
  }
  if (path === '/') return sendIndex(res, deps);
  if (deps.adminToken === null) {
    return send(res, 403, 'text/plain', 'control endpoints disabled: HFT_ADMIN_TOKEN not set\n');
  }
  if (!bearerMatches(req.headers.authorization, deps.adminToken))
    return send(res, 401, 'text/plain', 'unauthorized\n');
  if (path === '/kill') {
    deps.kill();
    return send(res, 200, 'application/json', '{"halted":true}\n');
  }
  return send(res, 200, 'application/json', `${JSON.stringify({ reset: deps.resume() })}\n`);
}

function sendIndex(res: ServerResponse, deps: HttpDeps): void {
  if (!deps.dashboard) {
    send(res, 200, 'text/plain', 'hft-router daemon: GET /metrics, GET /health, POST /kill, POST /resume\n');
    return;
  }
  res.setHeader('content-security-policy', deps.dashboard.page.csp);
  send(res, 200, 'text/html; charset=utf-8', deps.dashboard.page.html);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
