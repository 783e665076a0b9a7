/** The daemon's HTTP endpoints (CONTRACT.md): /metrics, /health, /, POST /kill and POST /resume (bearer token). */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry as PromRegistry } from 'prom-client';

export interface HttpDeps {
  prom: PromRegistry;
  health: () => { ok: boolean; body: Record<string, unknown> };
  kill: () => void;
  /** Clears the manually reset breakers; returns their names. */
  resume: () => string[];
  adminToken: string | null;
}

export async function startHttpServer(host: string, port: number, deps: HttpDeps): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res, deps).catch((err: Error) =>
      send(res, 500, 'text/plain', `internal error: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/metrics') {
    return send(res, 200, deps.prom.contentType, await deps.prom.metrics());
  }
  if (req.method === 'GET' && path === '/health') {
    const { ok, body } = deps.health();
    return send(res, ok ? 200 : 503, 'application/json', `${JSON.stringify(body)}\n`);
  }
  if (req.method === 'GET' && path === '/') {
    return send(
      res,
      200,
      'text/plain',
      'hft-router daemon: GET /metrics, GET /health, POST /kill, POST /resume\n',
    );
  }
  if (req.method === 'POST' && (path === '/kill' || path === '/resume')) {
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
  send(res, 404, 'text/plain', 'not found\n');
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
