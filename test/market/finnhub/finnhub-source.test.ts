import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { Registry } from '../../../src/core/registry.js';
import {
  FinnhubSource,
  FinnhubSourceError,
  type FinnhubSourceOptions,
} from '../../../src/market/finnhub/finnhub-source.js';
import { type Tick, TickCodec, TickFlag } from '../../../src/shm/records.js';
import { FinnhubTestServer } from './finnhub-test-server.js';

// Characters that need URL-encoding, so both the raw and the encoded form must stay out of logs.
const TOKEN = 'sk+Fh/T0ken=42';
const SYMBOLS = ['AAPL', 'MSFT', 'BINANCE:BTCUSDT'];
const VENUE_ID = 1;

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function waitUntil(pred: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function setup(overrides: Partial<FinnhubSourceOptions> = {}, serverToken = TOKEN, autoPong = true) {
  const server = new FinnhubTestServer(serverToken, { autoPong });
  const url = await server.start();
  const rawLog: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (s: string) => rawLog.push(s) });
  const clock = new ManualClock(5_000);
  let wakes = 0;
  const source = new FinnhubSource({
    url,
    apiKey: TOKEN,
    registry: new Registry({ symbols: SYMBOLS, venues: ['sim', 'finnhub'] }),
    venueId: VENUE_ID,
    clock,
    logger,
    wake: () => wakes++,
    backoffInitialMs: 40,
    backoffMaxMs: 100,
    stableAfterMs: 300,
    random: () => 0.5,
    ...overrides,
  });
  cleanup.push(
    () => source.close(),
    () => server.stop(),
  );
  const logs = () => rawLog.map((l) => JSON.parse(l) as LogLine);
  return { server, source, clock, logs, rawLog, wakes: () => wakes };
}

/** Drains the source into copied ticks. */
function drain(source: FinnhubSource): Tick[] {
  const out: Tick[] = [];
  const t = TickCodec.create();
  while (source.poll(0, t)) out.push(TickCodec.copy(t, TickCodec.create()));
  return out;
}

function trade(symbolId: number, lastPx: number, tMs: number, lastQty: number, recvTsNs: number) {
  return {
    symbolId,
    venueId: VENUE_ID,
    flags: TickFlag.trade,
    lastPx,
    lastQty,
    exchTsNs: tMs * 1e6,
    recvTsNs,
  };
}

async function connected(s: Awaited<ReturnType<typeof setup>>, conn: number): Promise<void> {
  await s.server.waitFor(
    () => s.server.subscriptions(conn).length === SYMBOLS.length,
    `subscriptions #${conn}`,
  );
}

describe('FinnhubSource against a local Finnhub-protocol server', () => {
  it('subscribes every symbol and turns multi-trade messages into ticks stamped on arrival', async () => {
    const s = await setup();
    s.source.start();
    await connected(s, 1);
    expect(s.server.subscriptions(1)).toEqual(SYMBOLS);
    expect(s.source.nextDueNs()).toBe(Number.POSITIVE_INFINITY);
    expect(s.source.poll(0, TickCodec.create())).toBe(false);

    s.clock.set(7_000);
    s.server.sendTrades([
      { s: 'AAPL', p: 190.12, t: 1700000000123, v: 100, c: ['1', '12'] },
      { s: 'BINANCE:BTCUSDT', p: 37001.5, t: 1700000000124, v: 0.25 },
    ]);
    await waitUntil(() => s.source.queued === 2, 'first message');
    s.clock.set(8_000);
    s.server.sendTrades([{ s: 'MSFT', p: 411.01, t: 1700000000200, v: 0, c: null }]);
    await waitUntil(() => s.source.queued === 3, 'v=0 update');

    expect(drain(s.source)).toMatchObject([
      trade(0, 190.12, 1700000000123, 100, 7_000),
      trade(2, 37001.5, 1700000000124, 0.25, 7_000),
      trade(1, 411.01, 1700000000200, 0, 8_000),
    ]);
    expect(s.wakes()).toBe(2);
    expect(s.source.stats).toMatchObject({ connects: 1, reconnects: 0, messages: 2, ticksQueued: 3 });
  });

  it('ignores pings, counts malformed frames and keeps the connection and later trades', async () => {
    const s = await setup();
    s.source.start();
    await connected(s, 1);
    s.server.sendPing();
    s.server.sendRaw('{"type":"trade","data":[{"s":"AAPL"');
    s.server.sendRaw('not json at all');
    s.server.sendRaw('{"type":"news","data":[]}');
    s.server.sendTrades([
      { s: 'TSLA', p: 250, t: 1, v: 1 },
      { s: 'AAPL', p: -1, t: 1, v: 1 },
      { s: 'AAPL', p: 191, t: 1700000000300, v: 5 },
    ]);
    await waitUntil(() => s.source.stats.messages === 5, 'five messages');

    expect(drain(s.source)).toMatchObject([trade(0, 191, 1700000000300, 5, 5_000)]);
    expect(s.source.stats).toMatchObject({
      pings: 1,
      malformed: 3,
      messages: 5,
      connects: 1,
      disconnects: 0,
    });
    expect(s.source.normalizer.rejects).toMatchObject({
      malformed: 2,
      unknown_message: 1,
      unknown_symbol: 1,
      bad_price: 1,
    });
    expect(s.wakes()).toBe(1);
    expect(s.server.connections).toBe(1);
  });

  it('counts frames over 64 KiB as oversized without closing the connection', async () => {
    const s = await setup();
    s.source.start();
    await connected(s, 1);
    s.server.sendRaw(`{"type":"ping","pad":"${'x'.repeat(70_000)}"}`);
    s.server.sendTrades([{ s: 'MSFT', p: 400, t: 2, v: 3 }]);
    await waitUntil(() => s.source.queued === 1, 'trade after the big frame');
    expect(s.source.normalizer.rejects.oversized).toBe(1);
    expect(s.source.stats.malformed).toBe(1);
    expect(s.server.connections).toBe(1);
  });

  it('drops the oldest ticks when the queue is full, and counts them', async () => {
    const s = await setup({ queueCapacity: 4 });
    s.source.start();
    await connected(s, 1);
    s.server.sendTrades([1, 2, 3, 4, 5, 6].map((i) => ({ s: 'AAPL', p: 100 + i, t: i, v: i })));
    await waitUntil(() => s.source.stats.ticksQueued === 6, 'six ticks');
    expect(drain(s.source).map((t) => t.lastPx)).toEqual([103, 104, 105, 106]);
    expect(s.source.stats.queueDrops).toBe(2);
  });

  it('reconnects after a server disconnect with growing jittered backoff and re-subscribes everything', async () => {
    const s = await setup();
    s.source.start();
    await connected(s, 1);
    for (let conn = 2; conn <= 4; conn++) {
      s.server.disconnect();
      await connected(s, conn);
    }
    s.server.sendTrades([{ s: 'MSFT', p: 412, t: 1700000000400, v: 9 }]);
    await waitUntil(() => s.source.queued === 1, 'trade after reconnects');
    expect(drain(s.source)).toMatchObject([trade(1, 412, 1700000000400, 9, 5_000)]);
    for (let conn = 2; conn <= 4; conn++) expect(s.server.subscriptions(conn)).toEqual(SYMBOLS);
    expect(s.source.stats).toMatchObject({ connects: 4, reconnects: 3, disconnects: 3 });
    // random() = 0.5: half of 40, 80, then the 100 ms cap.
    const delays = s
      .logs()
      .filter((l) => l.msg.includes('reconnecting'))
      .map((l) => l.delayMs);
    expect(delays).toEqual([20, 40, 50]);

    // A connection that stayed up longer than stableAfterMs (300) starts the backoff over.
    await new Promise((r) => setTimeout(r, 350));
    s.server.disconnect();
    await connected(s, 5);
    const last = s
      .logs()
      .filter((l) => l.msg.includes('reconnecting'))
      .at(-1);
    expect(last?.delayMs).toBe(20);
  });

  it('logs server error messages and refused connections without ever logging the token', async () => {
    const s = await setup({}, 'a-different-token');
    s.source.start();
    const refusals = () => s.logs().filter((l) => l.msg === 'finnhub: server refused the connection');
    await waitUntil(() => refusals().length >= 2, 'two refused attempts');
    const refused = refusals();
    expect(s.server.refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0].status).toBe(401);
    expect(refused[0].url).toBe(`ws://127.0.0.1:${new URL(String(refused[0].url)).port}?token=[REDACTED]`);
    expect(s.source.stats.connects).toBe(0);

    const ok = await setup();
    ok.source.start();
    await connected(ok, 1);
    ok.server.sendError(`Invalid request for token ${TOKEN}`);
    ok.server.sendPing();
    await waitUntil(() => ok.source.stats.messages === 2, 'error and ping');
    const errors = ok.logs().filter((l) => l.msg === 'finnhub: server error message');
    expect(errors).toHaveLength(1);
    expect(errors[0].level).toBe(50);
    expect(errors[0].serverMsg).toBe('Invalid request for token [REDACTED]');
    expect(ok.source.stats.serverErrors).toBe(1);

    ok.server.disconnect();
    await connected(ok, 2);
    for (const raw of [...s.rawLog, ...ok.rawLog]) {
      expect(raw).not.toContain(TOKEN);
      expect(raw).not.toContain(encodeURIComponent(TOKEN));
    }
    expect(ok.rawLog.join('')).toContain('Invalid request for token [REDACTED]');
  });

  it('keeps a quiet connection that answers pings, and replaces one that does not', async () => {
    const live = await setup({ heartbeatMs: 40 });
    live.source.start();
    await connected(live, 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(live.server.connections).toBe(1);

    const dead = await setup({ heartbeatMs: 40 }, TOKEN, false);
    dead.source.start();
    await connected(dead, 1);
    await connected(dead, 2);
    expect(dead.source.stats).toMatchObject({ connects: 2, reconnects: 1, disconnects: 1 });
    expect(dead.logs().some((l) => l.msg === 'finnhub: connection silent, replacing it')).toBe(true);
  });

  it('unsubscribes on close and does not reconnect afterwards', async () => {
    const s = await setup();
    s.source.start();
    await connected(s, 1);
    await s.source.close();
    await s.server.waitFor(
      () => s.server.subscriptions(1, 'unsubscribe').length === SYMBOLS.length,
      'unsubscribes',
    );
    expect(s.server.subscriptions(1, 'unsubscribe')).toEqual(SYMBOLS);
    await new Promise((r) => setTimeout(r, 150));
    expect(s.server.connections).toBe(1);
    expect(s.source.stats.reconnects).toBe(0);
  });

  it('refuses a bad URL or an empty key up front, naming the field and never the key', () => {
    const base = {
      apiKey: TOKEN,
      registry: new Registry({ symbols: SYMBOLS, venues: ['finnhub'] }),
      venueId: 0,
      clock: new ManualClock(),
      logger: pino({ enabled: false }),
      wake: () => {},
    };
    expect(() => new FinnhubSource({ ...base, url: 'https://ws.finnhub.io' })).toThrow(FinnhubSourceError);
    expect(() => new FinnhubSource({ ...base, url: `wss://ws.finnhub.io?token=${TOKEN}` })).toThrow(
      'finnhub url: must be ws:// or wss:// without a query, got "wss://ws.finnhub.io?token=[REDACTED]"',
    );
    expect(() => new FinnhubSource({ ...base, url: 'wss://ws.finnhub.io', apiKey: '' })).toThrow(
      'finnhub api key: must not be empty',
    );
  });
});
