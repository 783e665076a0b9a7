import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { answerClientMessage, DashboardSocket } from '../../src/dashboard/dashboard-socket.js';

let server: Server | null = null;
let socket: DashboardSocket | null = null;
afterEach(async () => {
  socket?.close();
  const s = server;
  if (s) await new Promise((r) => s.close(r));
  server = socket = null;
});

async function start(snapshot: () => object, intervalMs = 50) {
  const errors: Error[] = [];
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  socket = new DashboardSocket(server, snapshot, { intervalMs, onError: (e) => errors.push(e) });
  const { port } = server.address() as { port: number };
  return { base: `ws://127.0.0.1:${port}`, http: `http://127.0.0.1:${port}`, errors };
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const c = new WebSocket(url);
    c.once('open', () => resolve(c));
    c.once('error', reject);
  });
}

function nextJson(
  c: WebSocket,
  match: (m: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString());
      if (match(m)) {
        c.off('message', on);
        resolve(m);
      }
    };
    c.on('message', on);
  });
}

function closed(c: WebSocket): Promise<number> {
  return new Promise((resolve) => c.once('close', (code) => resolve(code)));
}

describe('answerClientMessage', () => {
  it('accepts snapshot and ping, answers anything else with an error frame', () => {
    const text = (s: string) => answerClientMessage(Buffer.from(s), false);
    expect(text('{"type":"snapshot"}')).toEqual({ kind: 'snapshot' });
    expect(text('{"type":"ping"}')).toEqual({ kind: 'reply', frame: { type: 'pong' } });
    expect(text('not json')).toMatchObject({ kind: 'reply', frame: { type: 'error', code: 'bad_json' } });
    for (const s of ['{"type":"kill"}', 'null', '42', '[]', '{}'])
      expect(text(s), s).toMatchObject({ kind: 'reply', frame: { type: 'error', code: 'unknown_type' } });
    expect(answerClientMessage(Buffer.from([1, 2]), true)).toMatchObject({ kind: 'close', code: 1003 });
  });
});

describe('DashboardSocket', () => {
  it('sends a snapshot on connect and then every interval, with fresh data', async () => {
    let n = 0;
    const { base } = await start(() => ({ type: 'snapshot', n: ++n }));
    const c = await connect(`${base}/ws`);
    const seen: number[] = [];
    await new Promise<void>((resolve) =>
      c.on('message', (d) => {
        seen.push(JSON.parse(d.toString()).n);
        if (seen.length === 3) resolve();
      }),
    );
    expect(seen[2]).toBeGreaterThan(seen[0]);
    c.close();
  });

  it('answers bad client messages with error frames and keeps the connection and the server', async () => {
    const { base, http } = await start(() => ({ type: 'snapshot' }), 10_000);
    const c = await connect(`${base}/ws`);
    const err = nextJson(c, (m) => m.type === 'error');
    c.send('{"type":"drop tables"}');
    expect(await err).toMatchObject({ type: 'error', code: 'unknown_type' });
    const pong = nextJson(c, (m) => m.type === 'pong');
    c.send('{"type":"ping"}');
    expect(await pong).toEqual({ type: 'pong' });
    expect(c.readyState).toBe(WebSocket.OPEN);
    expect(await (await fetch(http)).text()).toBe('ok');
    c.close();
  });

  it('closes binary (1003) and oversized (1009) messages without hurting other clients', async () => {
    const { base } = await start(() => ({ type: 'snapshot' }), 10_000);
    const bin = await connect(`${base}/ws`);
    const binClosed = closed(bin);
    bin.send(Buffer.from([0xde, 0xad]));
    expect(await binClosed).toBe(1003);
    const big = await connect(`${base}/ws`);
    const bigClosed = closed(big);
    big.send('x'.repeat(64 * 1024));
    expect(await bigClosed).toBe(1009);
    const ok = await connect(`${base}/ws`);
    const snap = nextJson(ok, (m) => m.type === 'snapshot');
    ok.send('{"type":"snapshot"}');
    expect(await snap).toEqual({ type: 'snapshot' });
    ok.close();
  });

  it('refuses upgrades on other paths with 404', async () => {
    const { base } = await start(() => ({}));
    const status = await new Promise<number>((resolve) => {
      const c = new WebSocket(`${base}/metrics`);
      c.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      c.on('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });

  it('reports a failing snapshot and stays up; closing says goodbye with 1001', async () => {
    let fail = true;
    const { base, errors } = await start(() => {
      if (fail) throw new Error('no state yet');
      return { type: 'snapshot' };
    });
    const c = await connect(`${base}/ws`);
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(errors[0].message).toBe('no state yet');
    fail = false;
    await nextJson(c, (m) => m.type === 'snapshot');
    const bye = closed(c);
    socket?.close();
    expect(await bye).toBe(1001);
    await expect.poll(() => socket?.clientCount).toBe(0);
  });
});
