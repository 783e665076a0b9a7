/**
 * Quotes from the venue servers (`hft venues`, docs/venue-protocol.md) as a MarketSource: one
 * WebSocket per venue that subscribes on open, quote frames normalised on arrival into a
 * preallocated tick queue that the ingest node drains with `poll`. Event-driven: `wake()` tells a
 * parked host there is work. Connections of its own, separate from the order gateway's, since
 * ingest and execute run on different threads. Reconnects with backoff; the server sends its
 * current book on each subscribe, so a reconnect needs no special handling here.
 */
import type { Clock } from '../core/clock.js';
import { asVenueId } from '../core/ids.js';
import type { Registry } from '../core/registry.js';
import { type Tick, TickCodec, TickFlag } from '../shm/records.js';
import { VenueConnection, type VenueLogger } from '../venues/venue-connection.js';
import {
  createServerFrame,
  decodeServerFrame,
  monoUsAtClockZero,
  ServerFrameKind,
  SUBSCRIBE_FRAME,
} from '../venues/venue-protocol.js';
import type { MarketSource } from './market-source.js';

export interface VenueFeedSourceOptions {
  /** ws URL of each venue, indexed by registry venue id. */
  urls: readonly string[];
  registry: Registry;
  clock: Clock;
  /** Called after ticks were queued. */
  wake: () => void;
  logger?: VenueLogger;
  /** Ticks buffered between polls, rounded up to a power of two; default 8192. */
  queueCapacity?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

export interface VenueFeedSourceStats {
  quotes: number;
  /** Quotes for symbols not in the registry. */
  unknownSymbol: number;
  /** Frames that were not well-formed quote frames: counted, ignored. */
  malformed: number;
  /** Oldest ticks overwritten because the host did not poll in time. */
  queueDrops: number;
}

export class VenueFeedSource implements MarketSource {
  readonly stats: VenueFeedSourceStats = { quotes: 0, unknownSymbol: 0, malformed: 0, queueDrops: 0 };
  private readonly conns: VenueConnection[];
  private readonly queue: Tick[];
  private readonly mask: number;
  private head = 0;
  private tail = 0;
  private seq = 0;
  private readonly frame = createServerFrame();
  private readonly monoUsAtZero: number;

  constructor(private readonly opts: VenueFeedSourceOptions) {
    if (opts.urls.length !== opts.registry.venueCount)
      throw new RangeError(`venue feed: ${opts.urls.length} urls for ${opts.registry.venueCount} venues`);
    let cap = 2;
    while (cap < (opts.queueCapacity ?? 8192)) cap *= 2;
    this.queue = Array.from({ length: cap }, () => TickCodec.create());
    this.mask = cap - 1;
    this.monoUsAtZero = monoUsAtClockZero(opts.clock);
    this.conns = opts.urls.map((url, v) => {
      const conn: VenueConnection = new VenueConnection({
        url,
        logger: opts.logger,
        backoffInitialMs: opts.backoffInitialMs,
        backoffMaxMs: opts.backoffMaxMs,
        onFrame: (text) => this.onFrame(v, text),
        onOpen: () => conn.send(SUBSCRIBE_FRAME),
      });
      return conn;
    });
  }

  start(): void {
    for (const c of this.conns) c.start();
  }

  close(): Promise<void> {
    return Promise.all(this.conns.map((c) => c.close())).then(() => undefined);
  }

  connected(venueId: number): boolean {
    return this.conns[venueId]?.isOpen ?? false;
  }

  poll(_nowNs: number, out: Tick): boolean {
    if (this.head === this.tail) return false;
    TickCodec.copy(this.queue[this.head & this.mask], out);
    this.head++;
    return true;
  }

  readonly eventDriven = true;

  /** 0 while ticks are queued (the host polls at once), else +Infinity: arrivals wake the host. */
  nextDueNs(): number {
    return this.queued > 0 ? 0 : Number.POSITIVE_INFINITY;
  }

  /** Ticks waiting for `poll`. */
  get queued(): number {
    return this.tail - this.head;
  }

  private onFrame(venueId: number, text: string): void {
    const recvTsNs = this.opts.clock.nowNs();
    const f = this.frame;
    if (decodeServerFrame(text, f) !== ServerFrameKind.quote) {
      this.stats.malformed++;
      return;
    }
    const symbolId = this.opts.registry.symbolId(f.symbol);
    if (symbolId < 0) {
      this.stats.unknownSymbol++;
      return;
    }
    if (this.tail - this.head > this.mask) {
      // Full: drop the oldest, since for prices the newest is what a strategy needs.
      this.head++;
      this.stats.queueDrops++;
    }
    const t = this.queue[this.tail & this.mask];
    t.seq = ++this.seq;
    t.exchTsNs = (f.tsUs - this.monoUsAtZero) * 1e3;
    t.recvTsNs = recvTsNs;
    t.ingestTsNs = 0;
    t.bidPx = f.bidPx;
    t.askPx = f.askPx;
    t.bidQty = f.bidQty;
    t.askQty = f.askQty;
    t.lastPx = 0;
    t.lastQty = 0;
    t.symbolId = symbolId;
    t.venueId = asVenueId(venueId);
    t.flags = TickFlag.quote;
    this.tail++;
    this.stats.quotes++;
    this.opts.wake();
  }
}
