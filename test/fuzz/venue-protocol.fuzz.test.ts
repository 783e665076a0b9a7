/**
 * Fuzzing the venue wire protocol (docs/venue-protocol.md): the decoders on arbitrary and
 * mutated frames (never throw, decoded fields always within the protocol's rules, encoders round
 * trip), and a live venue server fed a barrage of random frames (counts each malformed one, keeps
 * the connection, and answers a good order afterwards exactly as before: state untouched).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ClientFrameKind,
  createClientFrame,
  createServerFrame,
  decodeClientFrame,
  decodeServerFrame,
  encodeOrder,
  encodeReport,
  monoNowUs,
  ServerFrameKind,
} from '../../src/venues/venue-protocol.js';
import type { VenuesHandle } from '../../src/venues/venues-command.js';
import { startVenues, waitFor } from '../venues/venue-test-kit.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const VALID = [
  '{"t":"o","id":7,"s":"AAPL","side":1,"q":100,"px":190.05,"type":1,"mts":5}',
  '{"t":"c","id":7}',
  '{"t":"p","n":12,"cts":3,"mts":4,"ot":5}',
  '{"t":"s"}',
  '{"t":"q","s":"AAPL","b":189.98,"a":190.02,"bq":480,"aq":510,"ts":1}',
  '{"t":"r","k":2,"id":7,"x":31,"q":60,"p":190.02,"l":40,"f":0.57,"r":0,"vts":9}',
  '{"t":"P","n":12,"cts":3,"sts":4}',
];

/** A valid frame with one character changed, inserted or removed, or a value swapped for junk. */
const mutated = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.nat(),
    fc.constantFrom('', '"', ',', '}', '{', ':', '-', '1e999', 'NaN', 'null', '[]', '\\u0000', '__proto__'),
    fc.nat(2),
  )
  .map(([f, at, s, drop]) => f.slice(0, at % (f.length + 1)) + s + f.slice((at % (f.length + 1)) + drop));
const frames = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  mutated,
  fc.constant('x'.repeat(5000)),
);

describe('venue protocol fuzzing', () => {
  it('client frames: never throws; an accepted order always has an id, side +-1, qty and price > 0', () => {
    const f = createClientFrame();
    fc.assert(
      fc.property(frames, (text) => {
        const kind = decodeClientFrame(text, f);
        expect(Object.values(ClientFrameKind)).toContain(kind);
        if (kind === ClientFrameKind.order) {
          expect(Number.isFinite(f.clientOrderId)).toBe(true);
          expect([1, -1]).toContain(f.side);
          expect(f.qty > 0 && f.limitPx > 0 && Number.isInteger(f.orderType)).toBe(true);
          expect(typeof f.symbol).toBe('string');
        }
        if (kind === ClientFrameKind.cancel) expect(Number.isFinite(f.clientOrderId)).toBe(true);
        if (kind === ClientFrameKind.ping)
          expect(Number.isFinite(f.seq) && Number.isFinite(f.clientTs)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('server frames: never throws; an accepted report or quote has only finite numbers', () => {
    const f = createServerFrame();
    fc.assert(
      fc.property(frames, (text) => {
        const kind = decodeServerFrame(text, f);
        expect(Object.values(ServerFrameKind)).toContain(kind);
        if (kind === ServerFrameKind.report) {
          for (const v of [f.clientOrderId, f.execId, f.fillQty, f.fillPx, f.leavesQty, f.feeUsd, f.vtsUs])
            expect(Number.isFinite(v)).toBe(true);
          expect(Number.isInteger(f.execKind) && Number.isInteger(f.reason)).toBe(true);
        }
        if (kind === ServerFrameKind.quote)
          for (const v of [f.bidPx, f.askPx, f.bidQty, f.askQty, f.tsUs])
            expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('encoders round-trip through the decoders', () => {
    const c = createClientFrame();
    const s = createServerFrame();
    const px = fc.double({ min: 0.0001, max: 1e7, noNaN: true });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 52 }),
        fc.constantFrom('AAPL', 'BRK.B', 'a"b', '\\', 'é'),
        fc.constantFrom(1, -1),
        px,
        px,
        (id, symbol, side, qty, limitPx) => {
          expect(decodeClientFrame(encodeOrder(id, symbol, side, qty, limitPx, 1, 12.5), c)).toBe(
            ClientFrameKind.order,
          );
          expect([c.clientOrderId, c.symbol, c.side, c.qty, c.limitPx, c.sentMonoUs]).toEqual([
            id,
            symbol,
            side,
            qty,
            limitPx,
            12.5,
          ]);
          const r = {
            execKind: 2,
            clientOrderId: id,
            execId: 3,
            fillQty: qty,
            fillPx: limitPx,
            leavesQty: 0,
            feeUsd: 0.5,
            reason: 0,
            vtsUs: 7,
          };
          expect(decodeServerFrame(encodeReport(r), s)).toBe(ServerFrameKind.report);
          expect([s.clientOrderId, s.fillQty, s.fillPx, s.execKind]).toEqual([id, qty, limitPx, 2]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a venue server fed random frames counts the malformed ones, stays up, and still trades correctly', async () => {
    const h: VenuesHandle = await startVenues({ delayUs: { A: 0 } });
    closers.push(() => h.close());
    const server = h.servers.A;
    server.publishQuote(0, 10.0, 10.02, 50, 60);
    const ws = new WebSocket(h.urls.A);
    closers.push(() => ws.terminate());
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const replies: string[] = [];
    ws.on('message', (d) => replies.push(String(d)));
    // Random frames, minus anything that is a well-formed order, cancel or subscribe (those would
    // legitimately change the venue's state); a well-formed ping is fine, it only earns a pong.
    const probe = createClientFrame();
    const junk = fc
      .sample(frames, { numRuns: 400, seed: 6 })
      .filter(
        (t) =>
          t.length <= 4096 &&
          [ClientFrameKind.malformed, ClientFrameKind.ping].includes(decodeClientFrame(t, probe) as 0 | 3),
      );
    const pings = junk.filter((t) => decodeClientFrame(t, probe) === ClientFrameKind.ping).length;
    for (const t of junk) ws.send(t);
    ws.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
    await waitFor(
      () => server.stats.malformed + server.stats.pings === junk.length + 1,
      10_000,
      'frames counted',
    );
    expect(server.stats.malformed).toBe(junk.length - pings + 1);
    expect(server.stats.orders).toBe(0);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(encodeOrder(1, 'AAPL', 1, 100, 10.05, 1, monoNowUs()));
    await waitFor(() => replies.filter((r) => r.includes('"t":"r"')).length === 3, 10_000, 'reports');
    const f = createServerFrame();
    const kinds = replies
      .filter((r) => decodeServerFrame(r, f) === ServerFrameKind.report)
      .map((r) => {
        decodeServerFrame(r, f);
        return [f.execKind, f.fillQty, f.fillPx, f.leavesQty];
      });
    expect(kinds).toEqual([
      [1, 0, 0, 100],
      [2, 60, 10.02, 40],
      [5, 0, 0, 40],
    ]);
    console.log(
      `venue fuzz: ${junk.length} random frames (${pings} well-formed pings), ${server.stats.malformed} counted malformed`,
    );
  });
});
