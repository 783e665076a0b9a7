import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MonotonicClock } from '../../src/core/clock.js';
import { Registry } from '../../src/core/registry.js';
import { VenueRejectReason } from '../../src/execution/sim-venue-gateway.js';
import { VenueFeedSource } from '../../src/market/venue-feed-source.js';
import { ExecKind, TickCodec, TickFlag } from '../../src/shm/records.js';
import {
  ClientFrameKind,
  createClientFrame,
  createServerFrame,
  decodeClientFrame,
  decodeServerFrame,
  encodeOrder,
  encodePing,
  monoNowUs,
  type ServerFrame,
  ServerFrameKind,
} from '../../src/venues/venue-protocol.js';
import type { VenuesHandle } from '../../src/venues/venues-command.js';
import { median, quietLog, sleep, startVenues, toleranceUs, waitFor } from './venue-test-kit.js';

let handle: VenuesHandle | null = null;
const closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await handle?.close();
  handle = null;
});

/** A raw protocol client: every decoded server frame is kept (copied). */
async function rawClient(
  url: string,
): Promise<{ ws: WebSocket; frames: ServerFrame[]; arrivedMs: number[] }> {
  const ws = new WebSocket(url);
  const frames: ServerFrame[] = [];
  const arrivedMs: number[] = [];
  ws.on('message', (data) => {
    arrivedMs.push(performance.now());
    const f = createServerFrame();
    decodeServerFrame(String(data), f);
    frames.push(f);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  closers.push(() => ws.terminate());
  return { ws, frames, arrivedMs };
}

describe('venue protocol', () => {
  it('decodes well-formed frames and refuses anything else without throwing', () => {
    const f = createServerFrame();
    expect(decodeServerFrame('{"t":"q","s":"AAPL","b":1,"a":2,"bq":3,"aq":4,"ts":5}', f)).toBe(
      ServerFrameKind.quote,
    );
    expect([f.symbol, f.bidPx, f.askPx, f.bidQty, f.askQty, f.tsUs]).toEqual(['AAPL', 1, 2, 3, 4, 5]);
    for (const bad of [
      '',
      'nope',
      '[]',
      'null',
      '{"t":"q"}',
      '{"t":"r","k":"x"}',
      '{"t":"?"}',
      'x'.repeat(5000),
    ])
      expect(decodeServerFrame(bad, f)).toBe(ServerFrameKind.malformed);
    const c = createClientFrame();
    expect(decodeClientFrame(encodeOrder(7, 'AAPL', 1, 10, 5.5, 1, 123.5), c)).toBe(ClientFrameKind.order);
    expect([c.clientOrderId, c.symbol, c.side, c.qty, c.limitPx, c.orderType, c.sentMonoUs]).toEqual([
      7,
      'AAPL',
      1,
      10,
      5.5,
      1,
      123.5,
    ]);
    expect(decodeClientFrame('{"t":"o","id":1,"s":"A","side":2,"q":1,"px":1,"type":1}', c)).toBe(
      ClientFrameKind.malformed,
    );
  });
});

describe('VenueServer', () => {
  it('serves each venue on its own path of one loopback port and refuses unknown paths', async () => {
    handle = await startVenues({ delayUs: { A: 0, B: 0 } });
    expect(handle.urls.A).toBe(`ws://127.0.0.1:${handle.port}/A`);
    expect(handle.urls.B).toBe(`ws://127.0.0.1:${handle.port}/B`);
    const ws = new WebSocket(`ws://127.0.0.1:${handle.port}/nope`);
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(err.message).toMatch(/404/);
  });

  it('matches a marketable buy as an IOC at its ask: ack, fill (price, fee, leaves), expired', async () => {
    handle = await startVenues({ delayUs: { A: 1000 }, feeBps: 0.5 });
    handle.servers.A.publishQuote(0, 10.0, 10.02, 50, 60);
    const { ws, frames } = await rawClient(handle.urls.A);
    ws.send(encodeOrder(1, 'AAPL', 1, 100, 10.05, 1, monoNowUs()));
    ws.send(encodeOrder(2, 'AAPL', -1, 10, 10.01, 1, monoNowUs())); // sell above the bid: expires
    ws.send(encodeOrder(3, 'MSFT', 1, 10, 10, 1, monoNowUs())); // no quote: rejected
    await waitFor(() => frames.length >= 6, 2000, 'reports');
    const byId = (id: number) => frames.filter((f) => f.clientOrderId === id);
    expect(byId(1).map((f) => f.execKind)).toEqual([ExecKind.ack, ExecKind.fill, ExecKind.expired]);
    const [ack, fill, expired] = byId(1);
    expect(ack.leavesQty).toBe(100);
    expect([fill.fillQty, fill.fillPx, fill.leavesQty]).toEqual([60, 10.02, 40]);
    expect(fill.feeUsd).toBeCloseTo((60 * 10.02 * 0.5) / 1e4, 12);
    expect(expired.leavesQty).toBe(40);
    expect(byId(2).map((f) => [f.execKind, f.leavesQty])).toEqual([
      [ExecKind.ack, 10],
      [ExecKind.expired, 10],
    ]);
    expect(byId(3).map((f) => [f.execKind, f.reason])).toEqual([
      [ExecKind.reject, VenueRejectReason.noQuote],
    ]);
    expect(new Set(frames.map((f) => f.execId)).size).toBe(frames.length);
  });

  it('cancels an order still on its inbound leg, and drops a cancel that comes too late', async () => {
    handle = await startVenues({ delayUs: { A: 10_000 } });
    handle.servers.A.publishQuote(0, 10.0, 10.02, 50, 60);
    const { ws, frames } = await rawClient(handle.urls.A);
    ws.send(encodeOrder(1, 'AAPL', 1, 100, 10.05, 1, monoNowUs()));
    ws.send('{"t":"c","id":1}');
    await waitFor(() => frames.length >= 1, 2000, 'cancel report');
    expect(frames.map((f) => [f.execKind, f.reason, f.leavesQty])).toEqual([
      [ExecKind.cancel, VenueRejectReason.cancelled, 100],
    ]);
    ws.send('{"t":"c","id":99}');
    await sleep(30);
    expect(handle.servers.A.stats.cancelsTooLate).toBe(1);
    expect(frames).toHaveLength(1);
  });

  it('counts malformed frames and keeps serving the connection', async () => {
    handle = await startVenues({ delayUs: { A: 0 } });
    const { ws, frames } = await rawClient(handle.urls.A);
    for (const bad of ['{', '{"t":"o"}', '42', '{"t":"zz"}']) ws.send(bad);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send(encodePing(5, 123, monoNowUs()));
    await waitFor(() => frames.length >= 1, 2000, 'pong');
    expect(frames[0].kind).toBe(ServerFrameKind.pong);
    expect([frames[0].seq, frames[0].clientTs]).toEqual([5, 123]);
    expect(handle.servers.A.stats.malformed).toBe(5);
  });

  it('holds a pong for the configured round trip (raw client, 2 ms)', async () => {
    handle = await startVenues({ delayUs: { A: 2000 } });
    const { ws, frames, arrivedMs } = await rawClient(handle.urls.A);
    const rttUs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const n = frames.length;
      const t0 = performance.now();
      ws.send(encodePing(i, t0, monoNowUs()));
      await waitFor(() => frames.length > n, 1000, 'pong');
      rttUs.push((arrivedMs[n] - t0) * 1e3);
      await sleep(3);
    }
    const med = median(rttUs);
    console.log(`raw ping through a 2000 us venue: median ${med.toFixed(0)} us`);
    expect(Math.abs(med - 2000)).toBeLessThan(toleranceUs(2000));
  });
});

describe('VenueFeedSource', () => {
  it('queues each venue quote as a tick stamped on arrival and wakes its host', async () => {
    handle = await startVenues({ delayUs: { A: 0, B: 0 }, quoteRatePerSec: 2000 });
    const registry = new Registry({ symbols: ['AAPL', 'MSFT'], venues: ['A', 'B'] });
    const clock = new MonotonicClock(process.hrtime.bigint());
    let wakes = 0;
    const src = new VenueFeedSource({
      urls: [handle.urls.A, handle.urls.B],
      registry,
      clock,
      wake: () => wakes++,
      logger: quietLog,
    });
    closers.push(() => src.close());
    src.start();
    await waitFor(() => src.queued >= 200, 5000, 'ticks');
    const t = TickCodec.create();
    const seenVenues = new Set<number>();
    let lastSeq = 0;
    while (src.poll(clock.nowNs(), t)) {
      seenVenues.add(t.venueId);
      expect(t.seq).toBeGreaterThan(lastSeq);
      lastSeq = t.seq;
      expect(t.flags).toBe(TickFlag.quote);
      expect(t.bidPx).toBeLessThan(t.askPx);
      expect(t.symbolId === 0 || t.symbolId === 1).toBe(true);
      // Server stamp precedes the arrival stamp, and is recent (both on the host clock).
      expect(t.recvTsNs - t.exchTsNs).toBeGreaterThan(-5_000);
      expect(t.recvTsNs - t.exchTsNs).toBeLessThan(1e9);
    }
    expect([...seenVenues].sort()).toEqual([0, 1]);
    expect(wakes).toBeGreaterThanOrEqual(200);
    expect(src.nextDueNs()).toBe(Number.POSITIVE_INFINITY);
    expect(src.stats.malformed).toBe(0);
  });
});
