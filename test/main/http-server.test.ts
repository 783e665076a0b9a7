import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type HttpDeps, type HttpServerHandle, startHttpServer } from '../../src/main/http-server.js';
import { metricsFixture } from '../monitoring/metrics-fixture.js';

let open: HttpServerHandle | null = null;
afterEach(() => {
  open?.close();
  open = null;
});

async function serve(over: Partial<HttpDeps> = {}) {
  let snapshots = 0;
  let halted = false;
  const deps: HttpDeps = {
    prom: metricsFixture().prom,
    health: () => ({
      ok: !halted,
      body: {
        status: halted ? 'degraded' : 'ok',
        uptime_s: 1,
        halted,
        trading_state: halted ? 'halted' : 'active',
        breakers: {},
        venues: {},
        workers: [],
        problems: [],
      },
    }),
    kill: () => {
      halted = true;
    },
    resume: () => ['kill_switch'],
    adminToken: 'tok',
    dashboard: {
      page: { html: '<!doctype html><title>live</title>', csp: "default-src 'none'" },
      snapshot: () => ({ type: 'snapshot', n: ++snapshots }),
    },
    ...over,
  };
  open = await startHttpServer('127.0.0.1', 0, deps);
  const { port } = open.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
}

describe('daemon HTTP server', () => {
  it('serves the dashboard page with its Content-Security-Policy at GET /', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(await res.text()).toContain('<title>live</title>');
  });

  it('answers unknown paths 404 and wrong methods 405 with Allow, and keeps serving', async () => {
    const { url } = await serve();
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('/nope');
    const wrong = await fetch(`${url}/metrics`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    const getKill = await fetch(`${url}/kill`);
    expect(getKill.status).toBe(405);
    expect(getKill.headers.get('allow')).toBe('POST');
    const head = await fetch(`${url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('/health is 200 when healthy and 503 once halted', async () => {
    const { url } = await serve();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const kill = await fetch(`${url}/kill`, { method: 'POST', headers: { authorization: 'Bearer tok' } });
    expect(kill.status).toBe(200);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', halted: true });
  });

  it('answers 500 when a handler fails, and the next request is served', async () => {
    let fail = true;
    const { url } = await serve({
      health: () => {
        if (fail) throw new Error('boom');
        return { ok: true, body: {} as never };
      },
    });
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('boom');
    fail = false;
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('without a dashboard, GET / names the endpoints and /ws upgrades are refused', async () => {
    const { url, ws } = await serve({ dashboard: null });
    expect(await (await fetch(`${url}/`)).text()).toContain('GET /metrics');
    const status = await new Promise<number>((resolve) => {
      const c = new WebSocket(`${ws}/ws`);
      c.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      c.on('error', () => resolve(-1));
    });
    expect(status).not.toBe(101);
  });

  it('pushes dashboard snapshots over /ws', async () => {
    const { ws } = await serve();
    const c = new WebSocket(`${ws}/ws`);
    const frames: { n: number }[] = [];
    await new Promise<void>((resolve) =>
      c.on('message', (d) => {
        frames.push(JSON.parse(d.toString()));
        if (frames.length === 3) resolve();
      }),
    );
    c.close();
    expect(frames.map((f) => f.n)).toEqual([1, 2, 3]);
  });
});
