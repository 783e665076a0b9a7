/**
 * The venue gateway over real sockets: one WebSocket per venue server (docs/venue-protocol.md).
 * Orders and cancels go out as frames; report frames come back and are queued as ExecReport
 * records in a preallocated queue that `nextReport` drains, stamped with the injected clock on
 * arrival, while `wake()` tells a parked host there is work. Order state lives in preallocated
 * arrays indexed by an open-addressing table on the client order id, so nothing is allocated per
 * order beyond the frame text and the parsed reply.
 *
 * Latency is measured, not assumed: every `pingIntervalMs` each venue gets a ping whose echo
 * gives one round-trip sample (`nextLatencySample`, kind `probe`).
 *
 * A venue session that closes takes its unanswered orders with it: the venue cancels orders it
 * has not matched when their session closes (docs/venue-protocol.md), and no reply can arrive on
 * a new session, so each in-flight order of that venue is ended at once with an `expired` report,
 * reason `disconnected` (counted as `orphaned`), and its slot is released. (An order the venue
 * matched in the last outbound half round trip before the drop is the one case this misreports:
 * its fill was on the wire; a venue with order status requests would settle it on reconnect.)
 * New orders to a venue that is down are refused (`submit` returns false). `onConnection` tells
 * the owner when a venue's session opens or closes (the execution stage marks the venue out).
 */
import type { Clock } from '../core/clock.js';
import { asSymbolId, asVenueId } from '../core/ids.js';
import type { Registry } from '../core/registry.js';
import {
  ExecKind,
  type ExecReport,
  ExecReportCodec,
  LatencyKind,
  type LatencySample,
  LatencySampleCodec,
  type Order,
} from '../shm/records.js';
import { VenueConnection, type VenueLogger } from '../venues/venue-connection.js';
import {
  createServerFrame,
  decodeServerFrame,
  encodeCancel,
  encodeOrder,
  encodePing,
  monoUsAtClockZero,
  ServerFrameKind,
} from '../venues/venue-protocol.js';
import { OrderIndex, pow2 } from './order-index.js';
import { unknownOrderCancel, type VenueGateway, VenueRejectReason } from './venue-gateway.js';

export interface WsVenueGatewayOptions {
  /** ws URL of each venue, indexed by registry venue id. */
  urls: readonly string[];
  registry: Registry;
  clock: Clock;
  /** Called after a report or latency sample was queued. */
  wake: () => void;
  logger?: VenueLogger;
  /** Ping period per venue; default 100 ms, 0 = no probes. */
  pingIntervalMs?: number;
  /** Most orders in flight; default 65536. */
  capacity?: number;
  /** Initial report queue size (grows, reports are never dropped); default 4096. */
  reportQueueCapacity?: number;
  /** Latency samples kept between drains (oldest dropped); default 1024. */
  sampleQueueCapacity?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** A venue's session opened (`up`) or closed. */
  onConnection?: (venueId: number, up: boolean) => void;
}

export interface WsVenueGatewayStats {
  submitted: number;
  /** Orders refused because their venue was not connected. */
  refusedDisconnected: number;
  /** Orders refused because the order table was full or the id was already in flight. */
  refusedFull: number;
  reports: number;
  /** Reports for orders the gateway does not know (late after a reconnect, or bogus). */
  unknownReports: number;
  /** Frames that were not well-formed server frames: counted, ignored. */
  malformed: number;
  pongs: number;
  samplesDropped: number;
  /** In-flight orders ended (`expired`, reason `disconnected`) because their venue's session closed. */
  orphaned: number;
  /** Sessions opened after a venue's first, across venues. */
  reconnects: number;
  disconnects: number;
}

export class WsVenueGateway implements VenueGateway {
  readonly stats: WsVenueGatewayStats = {
    submitted: 0,
    refusedDisconnected: 0,
    refusedFull: 0,
    reports: 0,
    unknownReports: 0,
    malformed: 0,
    pongs: 0,
    samplesDropped: 0,
    orphaned: 0,
    reconnects: 0,
    disconnects: 0,
  };
  readonly capacity: number;
  private readonly conns: VenueConnection[];
  private readonly index: OrderIndex;
  private readonly freeSlots: Int32Array;
  private freeTop: number;
  private readonly clientOrderId: Float64Array;
  private readonly symbolId: Int32Array;
  private readonly venueId: Int32Array;
  private readonly side: Int32Array;
  /** Quantity not yet filled, as of the last report (what a disconnect expires). */
  private readonly leavesQty: Float64Array;
  private readonly sentTsNs: Float64Array;
  /** Connection generation per venue, and per slot the generation its order was sent on. */
  private readonly generation: Int32Array;
  private readonly slotGeneration: Int32Array;
  private reports: ExecReport[];
  private reportHead = 0;
  private reportTail = 0;
  private readonly samples: LatencySample[];
  private sampleHead = 0;
  private sampleTail = 0;
  private readonly frame = createServerFrame();
  private readonly monoUsAtZero: number;
  private pingSeq = 0;
  /** Last pong's venue -> gateway transit per venue, us; reported in the next ping (NaN: none). */
  private readonly outTransitUs: Float64Array;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: WsVenueGatewayOptions) {
    if (opts.urls.length !== opts.registry.venueCount)
      throw new RangeError(
        `ws venue gateway: ${opts.urls.length} urls for ${opts.registry.venueCount} venues`,
      );
    const cap = opts.capacity ?? 65536;
    this.capacity = cap;
    this.index = new OrderIndex(cap);
    this.freeSlots = Int32Array.from({ length: cap }, (_, i) => cap - 1 - i);
    this.freeTop = cap;
    this.clientOrderId = new Float64Array(cap);
    this.symbolId = new Int32Array(cap);
    this.venueId = new Int32Array(cap);
    this.side = new Int32Array(cap);
    this.leavesQty = new Float64Array(cap);
    this.sentTsNs = new Float64Array(cap);
    this.slotGeneration = new Int32Array(cap);
    this.generation = new Int32Array(opts.urls.length);
    this.outTransitUs = new Float64Array(opts.urls.length).fill(Number.NaN);
    this.reports = Array.from({ length: pow2(opts.reportQueueCapacity ?? 4096) }, () =>
      ExecReportCodec.create(),
    );
    this.samples = Array.from({ length: pow2(opts.sampleQueueCapacity ?? 1024) }, () =>
      LatencySampleCodec.create(),
    );
    this.monoUsAtZero = monoUsAtClockZero(opts.clock);
    this.conns = opts.urls.map(
      (url, v) =>
        new VenueConnection({
          url,
          logger: opts.logger,
          backoffInitialMs: opts.backoffInitialMs,
          backoffMaxMs: opts.backoffMaxMs,
          onFrame: (text) => this.onFrame(v, text),
          onOpen: () => this.onOpen(v),
          onClose: () => this.onClose(v),
        }),
    );
  }

  /** Connects to every venue (and keeps reconnecting) and starts the probes. */
  start(): void {
    for (const c of this.conns) c.start();
    const period = this.opts.pingIntervalMs ?? 100;
    if (period > 0 && this.pingTimer === null) this.pingTimer = setInterval(() => this.ping(), period);
  }

  async close(): Promise<void> {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    await Promise.all(this.conns.map((c) => c.close()));
  }

  connected(venueId: number): boolean {
    return this.conns[venueId]?.isOpen ?? false;
  }

  get inFlight(): number {
    return this.capacity - this.freeTop;
  }

  submit(order: Order, nowNs: number): boolean {
    const v = order.venueId;
    const conn = this.conns[v];
    if (conn === undefined || !conn.isOpen) {
      this.stats.refusedDisconnected++;
      return false;
    }
    if (this.freeTop === 0 || this.index.get(order.clientOrderId) >= 0) {
      this.stats.refusedFull++;
      return false;
    }
    const s = this.freeSlots[--this.freeTop];
    this.clientOrderId[s] = order.clientOrderId;
    this.symbolId[s] = order.symbolId;
    this.venueId[s] = v;
    this.side[s] = order.side;
    this.leavesQty[s] = order.qty;
    this.sentTsNs[s] = nowNs;
    this.slotGeneration[s] = this.generation[v];
    this.index.set(order.clientOrderId, s);
    const symbol = this.opts.registry.symbols[order.symbolId];
    const sentMonoUs = nowNs / 1e3 + this.monoUsAtZero;
    conn.send(
      encodeOrder(order.clientOrderId, symbol, order.side, order.qty, order.limitPx, order.type, sentMonoUs),
    );
    this.stats.submitted++;
    return true;
  }

  cancel(clientOrderId: number, nowNs: number, out: ExecReport): boolean {
    const s = this.index.get(clientOrderId);
    if (s >= 0) {
      // The venue answers with a cancel report, or not at all when the IOC was already matched.
      this.conns[this.venueId[s]].send(encodeCancel(clientOrderId));
      return false;
    }
    // Unknown here (never sent, or already done): answered at once, as SimVenueGateway does.
    unknownOrderCancel(clientOrderId, nowNs, out);
    return true;
  }

  nextReport(_nowNs: number, out: ExecReport): boolean {
    if (this.reportHead === this.reportTail) return false;
    ExecReportCodec.copy(this.reports[this.reportHead & (this.reports.length - 1)], out);
    this.reportHead++;
    return true;
  }

  /** Reports are queued as they arrive: due now, or never until `wake()` says otherwise. */
  nextDueNs(): number {
    return this.reportHead !== this.reportTail ? 0 : Number.POSITIVE_INFINITY;
  }

  /** Drains one measured round-trip sample (kind `probe`); false when none is waiting. */
  nextLatencySample(out: LatencySample): boolean {
    if (this.sampleHead === this.sampleTail) return false;
    LatencySampleCodec.copy(this.samples[this.sampleHead & (this.samples.length - 1)], out);
    this.sampleHead++;
    return true;
  }

  private onOpen(v: number): void {
    // A new session: replies to orders sent on the old one can never arrive.
    if (this.generation[v] > 0) this.stats.reconnects++;
    this.generation[v]++;
    this.outTransitUs[v] = Number.NaN;
    this.orphan(v);
    this.opts.onConnection?.(v, true);
  }

  private onClose(v: number): void {
    this.stats.disconnects++;
    this.orphan(v);
    this.opts.onConnection?.(v, false);
    this.opts.wake();
  }

  /** Ends every in-flight order sent to venue `v` on an earlier or the closed session (class comment). */
  private orphan(v: number): void {
    const nowNs = this.opts.clock.nowNs();
    for (let s = 0; s < this.capacity; s++) {
      if (this.venueId[s] !== v || this.index.get(this.clientOrderId[s]) !== s) continue;
      if (this.slotGeneration[s] === this.generation[v] && this.conns[v].isOpen) continue;
      this.queueLocalReport(s, ExecKind.expired, VenueRejectReason.disconnected, nowNs);
      this.release(s);
      this.stats.orphaned++;
    }
  }

  /** A report the gateway writes on the venue's behalf (no venue stamp, nothing filled). */
  private queueLocalReport(s: number, kind: number, reason: number, nowNs: number): void {
    if (this.reportTail - this.reportHead === this.reports.length) this.growReports();
    const r = this.reports[this.reportTail & (this.reports.length - 1)];
    r.clientOrderId = this.clientOrderId[s];
    r.execId = 0;
    r.fillQty = 0;
    r.fillPx = 0;
    r.leavesQty = this.leavesQty[s];
    r.feeUsd = 0;
    r.sentTsNs = this.sentTsNs[s];
    r.venueTsNs = nowNs;
    r.recvTsNs = nowNs;
    r.symbolId = asSymbolId(this.symbolId[s]);
    r.venueId = asVenueId(this.venueId[s]);
    r.side = this.side[s];
    r.kind = kind;
    r.reason = reason;
    this.reportTail++;
  }

  private ping(): void {
    const seq = ++this.pingSeq;
    for (let v = 0; v < this.conns.length; v++) {
      const nowNs = this.opts.clock.nowNs();
      const mts = nowNs / 1e3 + this.monoUsAtZero;
      if (this.conns[v].isOpen) this.conns[v].send(encodePing(seq, nowNs, mts, this.outTransitUs[v]));
    }
  }

  private onFrame(v: number, text: string): void {
    const recvNs = this.opts.clock.nowNs();
    const f = this.frame;
    switch (decodeServerFrame(text, f)) {
      case ServerFrameKind.report:
        if (this.onReport(v, recvNs)) this.opts.wake();
        return;
      case ServerFrameKind.pong:
        // Lets the venue take the way back out of its outbound delay (venue-server.ts).
        this.outTransitUs[v] = recvNs / 1e3 + this.monoUsAtZero - f.sentMonoUs;
        this.onPong(v, recvNs - f.clientTs, recvNs);
        return;
      default:
        // Quotes are only sent to subscribers; this connection never subscribes.
        this.stats.malformed++;
    }
  }

  private onReport(v: number, recvNs: number): boolean {
    const f = this.frame;
    const s = this.index.get(f.clientOrderId);
    if (s < 0 || this.venueId[s] !== v || f.execKind < ExecKind.ack || f.execKind > ExecKind.expired) {
      this.stats.unknownReports++;
      return false;
    }
    if (this.reportTail - this.reportHead === this.reports.length) this.growReports();
    const r = this.reports[this.reportTail & (this.reports.length - 1)];
    r.clientOrderId = f.clientOrderId;
    r.execId = f.execId;
    r.fillQty = f.fillQty;
    r.fillPx = f.fillPx;
    r.leavesQty = f.leavesQty;
    r.feeUsd = f.feeUsd;
    r.sentTsNs = this.sentTsNs[s];
    r.venueTsNs = (f.vtsUs - this.monoUsAtZero) * 1e3;
    r.recvTsNs = recvNs;
    r.symbolId = asSymbolId(this.symbolId[s]);
    r.venueId = asVenueId(v);
    r.side = this.side[s];
    r.kind = f.execKind;
    r.reason = f.reason;
    this.reportTail++;
    this.stats.reports++;
    this.leavesQty[s] = f.leavesQty;
    const k = f.execKind;
    const terminal = k === ExecKind.expired || k === ExecKind.reject || k === ExecKind.cancel;
    if (terminal || (k === ExecKind.fill && f.leavesQty <= 0)) this.release(s);
    return true;
  }

  private onPong(v: number, rttNs: number, recvNs: number): void {
    if (!(rttNs >= 0)) {
      this.stats.malformed++;
      return;
    }
    this.stats.pongs++;
    if (this.sampleTail - this.sampleHead === this.samples.length) {
      this.sampleHead++; // telemetry: the newest sample matters most
      this.stats.samplesDropped++;
    }
    const out = this.samples[this.sampleTail & (this.samples.length - 1)];
    out.tsNs = recvNs;
    out.latencyNs = rttNs;
    out.orderQty = 0;
    out.venueId = asVenueId(v);
    out.kind = LatencyKind.probe;
    this.sampleTail++;
    this.opts.wake();
  }

  private release(s: number): void {
    this.index.delete(this.clientOrderId[s]);
    this.freeSlots[this.freeTop++] = s;
  }

  /** Reports are never dropped (docs/architecture.md principle 5): a full queue doubles, in order. */
  private growReports(): void {
    const old = this.reports;
    const grown = Array.from({ length: old.length * 2 }, () => ExecReportCodec.create());
    for (let i = 0; i < old.length; i++)
      ExecReportCodec.copy(old[(this.reportHead + i) & (old.length - 1)], grown[i]);
    this.reports = grown;
    this.reportTail -= this.reportHead;
    this.reportHead = 0;
  }
}
