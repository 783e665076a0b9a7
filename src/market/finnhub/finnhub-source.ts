/**
 * Finnhub's real-time trades as a MarketSource (docs/market-data.md): one WebSocket to
 * `${url}?token=KEY`, a subscribe per symbol, trades normalised on arrival into a preallocated
 * queue that the ingest node drains with `poll`. Event-driven: `wake()` tells a parked host there
 * is work. Reconnects with exponential backoff and full jitter, re-subscribing every symbol.
 *
 * The API key is a secret: it is only ever put into the URL handed to `ws`, and every string that
 * reaches a log line or an Error goes through `redact` first.
 */
import WebSocket from 'ws';
import type { Clock } from '../../core/clock.js';
import type { Registry } from '../../core/registry.js';
import { type Tick, TickCodec } from '../../shm/records.js';
import type { MarketSource } from '../market-source.js';
import { FinnhubNormalizer, FrameKind, MAX_FRAME_CHARS } from './finnhub-normalizer.js';

/** A configuration problem the user can fix; its message never contains the API key. */
export class FinnhubSourceError extends Error {
  override readonly name = 'FinnhubSourceError';
}

/** The part of a pino logger this source uses (pino's Logger satisfies it). */
export interface SourceLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface FinnhubSourceOptions {
  /** e.g. wss://ws.finnhub.io; tests point it at a local server. */
  url: string;
  apiKey: string;
  registry: Registry;
  /** Registry venue id the ticks carry. */
  venueId: number;
  clock: Clock;
  logger: SourceLogger;
  /** Called after ticks were queued, so a parked host thread can be woken. */
  wake: () => void;
  /** Symbols to subscribe; default every registry symbol. */
  symbols?: readonly string[];
  /** Ticks buffered between polls, rounded up to a power of two; default 8192. */
  queueCapacity?: number;
  /** First reconnect delay ceiling; default 250 ms. */
  backoffInitialMs?: number;
  /** Largest reconnect delay ceiling; default 30 s. */
  backoffMaxMs?: number;
  /** A connection up longer than this resets the backoff; default 10 s. */
  stableAfterMs?: number;
  /**
   * WebSocket-level ping period; a connection that sent nothing (no frame, no pong) for a whole
   * period is presumed dead (a silent TCP drop never closes) and replaced. Default 15 s; 0 = off.
   */
  heartbeatMs?: number;
  /** Uniform [0, 1) for the jitter; default Math.random. */
  random?: () => number;
}

/** Plain counters, read by metrics off the hot path. */
export interface FinnhubSourceStats {
  connects: number;
  reconnects: number;
  disconnects: number;
  messages: number;
  /** Frames refused whole (malformed, oversized, unknown type). */
  malformed: number;
  pings: number;
  serverErrors: number;
  ticksQueued: number;
  /** Oldest ticks overwritten because the host did not poll in time. */
  queueDrops: number;
}

/** Bytes on the wire above which a frame is refused without decoding it (UTF-8 <= 3 bytes/char). */
const MAX_FRAME_BYTES = MAX_FRAME_CHARS;
/** ws closes the connection beyond this; between the two the frame is counted as oversized. */
const MAX_PAYLOAD_BYTES = 1 << 20;

export class FinnhubSource implements MarketSource {
  readonly stats: FinnhubSourceStats = {
    connects: 0,
    reconnects: 0,
    disconnects: 0,
    messages: 0,
    malformed: 0,
    pings: 0,
    serverErrors: 0,
    ticksQueued: 0,
    queueDrops: 0,
  };
  readonly normalizer: FinnhubNormalizer;

  private readonly queue: Tick[];
  private readonly mask: number;
  /** Monotonic counters; the queue holds [head, tail). Single thread, so no atomics. */
  private head = 0;
  private tail = 0;
  private readonly symbols: readonly string[];
  private readonly connectUrl: string;
  private readonly secrets: string[];
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly stableAfterMs: number;
  private readonly heartbeatMs: number;
  private readonly random: () => number;
  private readonly sink: (tick: Tick) => void;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private openedAtMs = 0;
  private everConnected = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** Set on every frame and pong, cleared by each heartbeat tick. */
  private heardFromServer = false;
  private closed = false;

  constructor(private readonly opts: FinnhubSourceOptions) {
    this.normalizer = new FinnhubNormalizer(opts.registry, { venueId: opts.venueId });
    let cap = 2;
    while (cap < (opts.queueCapacity ?? 8192)) cap *= 2;
    this.queue = Array.from({ length: cap }, () => TickCodec.create());
    this.mask = cap - 1;
    this.symbols = opts.symbols ?? opts.registry.symbols;
    const encoded = encodeURIComponent(opts.apiKey);
    this.secrets = [...new Set([opts.apiKey, encoded])].filter((s) => s.length > 0);
    if (!/^wss?:\/\/[^\s?#]+$/.test(opts.url)) {
      throw new FinnhubSourceError(
        `finnhub url: must be ws:// or wss:// without a query, got "${this.redact(opts.url)}"`,
      );
    }
    if (opts.apiKey.length === 0) throw new FinnhubSourceError('finnhub api key: must not be empty');
    this.connectUrl = `${opts.url}?token=${encoded}`;
    this.backoffInitialMs = opts.backoffInitialMs ?? 250;
    this.backoffMaxMs = opts.backoffMaxMs ?? 30_000;
    this.stableAfterMs = opts.stableAfterMs ?? 10_000;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.random = opts.random ?? Math.random;
    if (!(this.backoffInitialMs > 0 && this.backoffMaxMs >= this.backoffInitialMs)) {
      throw new FinnhubSourceError(
        `finnhub backoff: need 0 < initial <= max ms, got ${this.backoffInitialMs} and ${this.backoffMaxMs}`,
      );
    }
    // One closure for the life of the source: normalised ticks are copied into the queue.
    this.sink = (tick) => this.enqueue(tick);
  }

  /** Opens the connection; later disconnects reconnect on their own until `close()`. */
  start(): void {
    if (this.closed || this.ws !== null) return;
    this.connect();
  }

  poll(_nowNs: number, out: Tick): boolean {
    if (this.head === this.tail) return false;
    TickCodec.copy(this.queue[this.head & this.mask], out);
    this.head++;
    return true;
  }

  nextDueNs(): number {
    return Number.POSITIVE_INFINITY;
  }

  /** Ticks waiting for `poll`. */
  get queued(): number {
    return this.tail - this.head;
  }

  /** Unsubscribes, closes the socket and stops reconnecting; resolves once the socket is closed. */
  close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.OPEN) {
        for (const symbol of this.symbols) ws.send(JSON.stringify({ type: 'unsubscribe', symbol }));
        ws.close(1000, 'client closing');
      } else {
        ws.terminate();
      }
    });
  }

  /** Removes the API key (raw and URL-encoded) from text bound for a log line or an error. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('[REDACTED]');
    return out;
  }

  private connect(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.connectUrl, { maxPayload: MAX_PAYLOAD_BYTES });
    } catch (err) {
      // ws and URL errors quote the URL, which carries the key: rethrow with it removed.
      throw new FinnhubSourceError(`finnhub: cannot connect: ${this.redact(String(err))}`);
    }
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.heardFromServer = true;
    });
    ws.on('unexpected-response', (_req, res) => {
      // ws would otherwise raise an Error; answer with the status alone (the URL carries the key).
      this.opts.logger.error(
        { url: this.redact(this.connectUrl), status: res.statusCode ?? 0 },
        'finnhub: server refused the connection',
      );
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      this.opts.logger.warn(
        { url: this.redact(this.connectUrl), err: this.redact(err.message) },
        'finnhub: socket error',
      );
    });
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onOpen(ws: WebSocket): void {
    this.stats.connects++;
    if (this.everConnected) this.stats.reconnects++;
    this.everConnected = true;
    this.openedAtMs = Date.now();
    for (const symbol of this.symbols) ws.send(JSON.stringify({ type: 'subscribe', symbol }));
    if (this.heartbeatMs > 0) {
      this.heardFromServer = true;
      this.heartbeatTimer = setInterval(() => this.heartbeat(ws), this.heartbeatMs);
    }
    this.opts.logger.info(
      { url: this.redact(this.connectUrl), symbols: this.symbols.length },
      'finnhub: connected, subscribed',
    );
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const recvTsNs = this.opts.clock.nowNs();
    this.stats.messages++;
    this.heardFromServer = true;
    const n = this.normalizer;
    const rejectedBefore = n.rejects.malformed + n.rejects.oversized + n.rejects.unknown_message;
    const queuedBefore = this.stats.ticksQueued;
    // With ws's default binaryType every text frame arrives as one Buffer; anything else is not ours.
    if (isBinary || !Buffer.isBuffer(data)) n.countReject('malformed');
    else if (data.length > MAX_FRAME_BYTES) n.countReject('oversized');
    else n.normalize(data.toString('utf8'), recvTsNs, this.sink);
    if (n.lastKind === FrameKind.ping) this.stats.pings++;
    else if (n.lastKind === FrameKind.error) {
      this.stats.serverErrors++;
      this.opts.logger.error({ serverMsg: this.redact(n.lastErrorMsg) }, 'finnhub: server error message');
    }
    this.stats.malformed +=
      n.rejects.malformed + n.rejects.oversized + n.rejects.unknown_message - rejectedBefore;
    if (this.stats.ticksQueued !== queuedBefore) this.opts.wake();
  }

  private enqueue(tick: Tick): void {
    if (this.tail - this.head > this.mask) {
      // Full: drop the oldest, since for prices the newest is what a strategy needs.
      this.head++;
      this.stats.queueDrops++;
    }
    TickCodec.copy(tick, this.queue[this.tail & this.mask]);
    this.tail++;
    this.stats.ticksQueued++;
  }

  private heartbeat(ws: WebSocket): void {
    if (!this.heardFromServer) {
      this.opts.logger.warn({ silentMs: this.heartbeatMs }, 'finnhub: connection silent, replacing it');
      ws.terminate();
      return;
    }
    this.heardFromServer = false;
    if (ws.readyState === WebSocket.OPEN) ws.ping();
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const upMs = this.openedAtMs > 0 ? Date.now() - this.openedAtMs : 0;
    if (this.openedAtMs > 0) this.stats.disconnects++;
    this.openedAtMs = 0;
    if (this.closed) return;
    if (upMs > this.stableAfterMs) this.attempt = 0;
    // Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): uniform in
    // [0, min(cap, initial * 2^attempt)), so clients that dropped together do not return together.
    const ceiling = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** this.attempt);
    const delayMs = Math.floor(this.random() * ceiling);
    this.attempt = Math.min(this.attempt + 1, 30);
    this.opts.logger.warn(
      { code, reason: this.redact(reason), upMs, delayMs, attempt: this.attempt },
      'finnhub: disconnected, reconnecting',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.connect();
    }, delayMs);
  }
}
