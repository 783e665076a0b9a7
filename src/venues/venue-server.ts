/**
 * One simulated venue served over WebSocket (docs/venue-protocol.md). It holds its own top of
 * book per symbol (fed by `publishQuote`), streams quotes to subscribed clients, and matches each
 * order as an IOC against its quote at the moment the order arrives, on the venue simulation's
 * rules like `SimVenueGateway` (venue-book.ts): the order waits the entry leg of a round trip
 * before matching (the inbound leg) and its reports the response leg after (the outbound leg;
 * src/venues/models/leg-latency.ts); a ping's pong waits the whole round trip. Round trips come
 * from the venue's configured latency model, or are fixed (`delayUs`) for tests. Delays are kept
 * to microseconds by a `PreciseScheduler`.
 *
 * The configured latency is the whole network's, loopback included: a client stamps its send
 * time (`mts`, host-monotonic), so the inbound leg ends its length after the client sent (or on
 * arrival, if transit took longer), and the outbound leg is shortened by the session's smoothed
 * outbound transit, which the client measures on each pong (`sts` -> arrival) and reports in its
 * next ping (`ot`); until it has, the inbound transit stands in for it. Without this a 200 us
 * venue would measure ~200 us plus the event-loop and socket time of both ends. When transit
 * alone exceeds a leg, the leg is not shortened below zero: the excess shows in the measurement.
 *
 * A cancel takes effect while its order is still on the inbound leg (the order is then answered
 * with a cancel report instead of being matched); later it finds nothing to cancel and is dropped,
 * since the IOC's own reports are already on their way, again as `SimVenueGateway` does.
 *
 * Faults can be injected while it runs (`setFaults`, `dropConnections`; `hft venues` exposes them
 * on its control endpoint): a slow venue, a stalled matching engine that holds orders unanswered,
 * a reject storm, refused connections. Orders of a session that closes before they are matched
 * are cancelled, not matched (cancel on disconnect), so a client that lost its session never
 * misses a fill it could not hear about.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { VenueConfig } from '../config/config-types.js';
import { Random } from '../core/random.js';
import { createVenueLatencyModel } from '../market/latency/create-venue-latency-model.js';
import type { VenueLatencyModel } from '../market/latency/venue-latency-model.js';
import { feeModelFor } from './models/fee-model.js';
import { entryLegNs, responseLegNs } from './models/leg-latency.js';
import { PreciseScheduler } from './precise-scheduler.js';
import { VenueBook } from './venue-book.js';
import type { VenueLogger } from './venue-connection.js';
import { NO_FAULTS, type VenueFaults } from './venue-faults.js';
import {
  type ClientFrame,
  ClientFrameKind,
  createClientFrame,
  decodeClientFrame,
  encodePong,
  monoNowUs,
  monoUsToPerfMs,
} from './venue-protocol.js';
import {
  createSession,
  MAX_TRANSIT_MS,
  type PendingOrder,
  recordOutTransit,
  type Session,
  TRANSIT_EWMA,
} from './venue-session.js';

export { NO_FAULTS, type VenueFaults } from './venue-faults.js';

export interface VenueServerOptions {
  venue: VenueConfig;
  /** Symbols this venue quotes and trades; index = the symbol id used by `publishQuote`. */
  symbols: readonly string[];
  /** Fixed round trip in microseconds, half each way, instead of the latency model (tests). */
  delayUs?: number;
  /** Seed of the latency draws. */
  seed: number;
  logger?: VenueLogger;
  /** Shared across the venues of one process so one poll loop serves all deadlines. */
  scheduler?: PreciseScheduler;
}

export interface VenueServerStats {
  connections: number;
  orders: number;
  fills: number;
  rejects: number;
  cancels: number;
  /** Cancels that found their order already matched (or unknown): dropped. */
  cancelsTooLate: number;
  pings: number;
  quotesSent: number;
  /** Frames that were not a well-formed client frame: counted, ignored, connection kept. */
  malformed: number;
  subscribes: number;
  /** Connections closed by `dropConnections`. */
  dropped: number;
  /** Upgrade requests refused while `faults.refuseConnections` was set. */
  refused: number;
  /** Orders of a closed session cancelled before matching (nobody left to tell). */
  cancelledOnDisconnect: number;
  /** Orders held unanswered by `faults.stall`, now. */
  held: number;
}

const MAX_PAYLOAD_BYTES = 1 << 16;

export class VenueServer {
  readonly stats: VenueServerStats = {
    connections: 0,
    orders: 0,
    fills: 0,
    rejects: 0,
    cancels: 0,
    cancelsTooLate: 0,
    pings: 0,
    quotesSent: 0,
    malformed: 0,
    subscribes: 0,
    dropped: 0,
    refused: 0,
    cancelledOnDisconnect: 0,
    held: 0,
  };
  readonly name: string;
  private faultState: VenueFaults = { ...NO_FAULTS };
  /** Orders held by a stall, with their session and outbound leg, answered when it clears. */
  private readonly heldOrders: { ws: WebSocket; session: Session; order: PendingOrder; outMs: number }[] = [];
  private readonly wss: WebSocketServer;
  private readonly scheduler: PreciseScheduler;
  private readonly ownsScheduler: boolean;
  private readonly latency: VenueLatencyModel;
  private readonly rng: Random;
  private readonly book: VenueBook;
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly frame: ClientFrame = createClientFrame();
  /** Outputs of `legs`, read right after the call. */
  private inDueMs = 0;
  private outMs = 0;

  constructor(private readonly opts: VenueServerOptions) {
    this.name = opts.venue.name;
    if (opts.delayUs !== undefined && !(opts.delayUs >= 0))
      throw new RangeError(`venue ${this.name}: delayUs must be >= 0, got ${opts.delayUs}`);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_PAYLOAD_BYTES,
      perMessageDeflate: false,
    });
    this.scheduler = opts.scheduler ?? new PreciseScheduler();
    this.ownsScheduler = opts.scheduler === undefined;
    // The configured latency stack (regimes, bursts, load, outages), as the simulated gateway builds it.
    this.latency = createVenueLatencyModel(opts.venue.latency, opts.seed);
    this.rng = new Random(opts.seed);
    // Orders here are all IOCs: the maker fee never applies.
    this.book = new VenueBook(opts.symbols, feeModelFor([opts.venue], 0), 0, this.stats);
  }

  /** Takes over an HTTP upgrade request routed to this venue. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.faultState.refuseConnections) {
      this.stats.refused++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  get faults(): Readonly<VenueFaults> {
    return this.faultState;
  }

  /** Changes the injected faults (unset fields keep their value); clearing a stall answers the held orders. */
  setFaults(patch: Partial<VenueFaults>): void {
    const next = { ...this.faultState, ...patch };
    if (!(next.extraDelayMs >= 0 && next.extraDelayMs < 3_600_000))
      throw new RangeError(
        `venue ${this.name}: extraDelayMs must be in [0, 3600000), got ${patch.extraDelayMs}`,
      );
    this.faultState = next;
    if (!next.stall) this.releaseHeld();
  }

  /** Closes every client connection abruptly (no close handshake), as a network failure would; returns how many. */
  dropConnections(): number {
    const n = this.sessions.size;
    for (const ws of this.sessions.keys()) ws.terminate();
    this.stats.dropped += n;
    return n;
  }

  /** Sets the venue's top of book for a symbol and streams it to subscribers. */
  publishQuote(symbolId: number, bidPx: number, askPx: number, bidQty: number, askQty: number): void {
    this.book.set(symbolId, bidPx, askPx, bidQty, askQty);
    let text: string | null = null;
    for (const [ws, session] of this.sessions) {
      if (!session.subscribed || ws.readyState !== ws.OPEN) continue;
      text ??= this.book.quoteText(symbolId);
      ws.send(text);
      this.stats.quotesSent++;
    }
  }

  /** Closes every client connection and drops pending deadlines. */
  close(): Promise<void> {
    for (const ws of this.sessions.keys()) ws.terminate();
    this.sessions.clear();
    this.heldOrders.length = 0;
    if (this.ownsScheduler) this.scheduler.close();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private attach(ws: WebSocket): void {
    const session = createSession();
    this.sessions.set(ws, session);
    this.stats.connections++;
    ws.on('message', (data, isBinary) => {
      const arrivalMs = performance.now();
      if (isBinary || !Buffer.isBuffer(data)) this.stats.malformed++;
      else this.onFrame(ws, session, data.toString('utf8'), arrivalMs);
    });
    ws.on('close', () => {
      this.sessions.delete(ws);
      // Cancel on disconnect: orders not yet matched die with their session.
      for (const o of session.inbound.values()) {
        if (o.cancelled) continue;
        o.cancelled = true;
        this.stats.cancelledOnDisconnect++;
      }
    });
    ws.on('error', (err) =>
      this.opts.logger?.warn({ venue: this.name, err: err.message }, 'venue server: socket error'),
    );
  }

  /**
   * Sets `inDueMs` (end of the inbound leg) and `outMs` (length of the outbound leg) for one
   * message, from its sampled round trip and the measured transit (class comment).
   */
  private legs(session: Session, f: ClientFrame, arrivalMs: number): void {
    const roundTripNs = this.roundTripNs();
    const inMs = entryLegNs(roundTripNs) / 1e6;
    const outLegMs = responseLegNs(roundTripNs) / 1e6;
    let sentMs = monoUsToPerfMs(f.sentMonoUs);
    // No stamp, or one from a clock that is not this host's: fall back to the arrival time.
    if (!(sentMs <= arrivalMs && arrivalMs - sentMs < MAX_TRANSIT_MS)) sentMs = arrivalMs;
    session.transitMs += TRANSIT_EWMA * (arrivalMs - sentMs - session.transitMs);
    const ot = f.kind === ClientFrameKind.ping ? f.outTransitUs / 1e3 : Number.NaN;
    if (ot >= 0 && ot < MAX_TRANSIT_MS) recordOutTransit(session, ot);
    const outTransitMs = Number.isNaN(session.outTransitMs) ? session.transitMs : session.outTransitMs;
    this.inDueMs = Math.max(arrivalMs, sentMs + inMs);
    this.outMs = Math.max(0, outLegMs - outTransitMs) + this.faultState.extraDelayMs;
  }

  /** Round trip for one message, ns. */
  private roundTripNs(): number {
    const d = this.opts.delayUs;
    return d !== undefined ? d * 1e3 : this.latency.sampleRoundTripNs(performance.now() * 1e6, this.rng);
  }

  private onFrame(ws: WebSocket, session: Session, text: string, arrivalMs: number): void {
    const f = this.frame;
    switch (decodeClientFrame(text, f)) {
      case ClientFrameKind.order:
        this.onOrder(ws, session, f, arrivalMs);
        return;
      case ClientFrameKind.cancel: {
        const pending = session.inbound.get(f.clientOrderId);
        if (pending === undefined || pending.cancelled) this.stats.cancelsTooLate++;
        else pending.cancelled = true;
        return;
      }
      case ClientFrameKind.ping: {
        this.stats.pings++;
        const seq = f.seq;
        const clientTs = f.clientTs;
        this.legs(session, f, arrivalMs);
        this.scheduler.at(this.inDueMs + this.outMs, () =>
          sendIfOpen(ws, encodePong(seq, clientTs, monoNowUs())),
        );
        return;
      }
      case ClientFrameKind.subscribe:
        this.stats.subscribes++;
        session.subscribed = true;
        this.sendSnapshot(ws);
        return;
      default:
        this.stats.malformed++;
    }
  }

  private onOrder(ws: WebSocket, session: Session, f: ClientFrame, arrivalMs: number): void {
    this.stats.orders++;
    const order: PendingOrder = {
      clientOrderId: f.clientOrderId,
      symbolId: this.book.symbolId(f.symbol),
      side: f.side,
      qty: f.qty,
      limitPx: f.limitPx,
      cancelled: false,
    };
    // Every order type is matched as an IOC, as the simulated gateway does.
    session.inbound.set(order.clientOrderId, order);
    this.legs(session, f, arrivalMs);
    const outMs = this.outMs;
    this.scheduler.at(this.inDueMs, () => {
      if (this.faultState.stall && !order.cancelled) {
        // Stays on the inbound map: a cancel still reaches it while it is held.
        this.heldOrders.push({ ws, session, order, outMs });
        this.stats.held++;
        return;
      }
      this.answer(ws, session, order, outMs);
    });
  }

  /** Matches the order and sends its reports after the outbound leg. */
  private answer(ws: WebSocket, session: Session, order: PendingOrder, outMs: number): void {
    if (session.inbound.get(order.clientOrderId) === order) session.inbound.delete(order.clientOrderId);
    if (order.cancelled && !this.sessions.has(ws)) return; // cancelled on disconnect: nobody to tell
    const frames = this.book.match(order, this.faultState.rejectAll);
    this.scheduler.at(performance.now() + outMs, () => {
      for (const text of frames) sendIfOpen(ws, text);
    });
  }

  private releaseHeld(): void {
    const held = this.heldOrders.splice(0);
    this.stats.held = 0;
    for (const h of held) this.answer(h.ws, h.session, h.order, h.outMs);
  }

  /** The current book to a new subscriber, so it need not wait for the next change. */
  private sendSnapshot(ws: WebSocket): void {
    for (let s = 0; s < this.book.symbolCount; s++)
      if (this.book.hasQuote(s)) sendIfOpen(ws, this.book.quoteText(s));
  }
}

function sendIfOpen(ws: WebSocket, text: string): void {
  if (ws.readyState === ws.OPEN) ws.send(text);
}
