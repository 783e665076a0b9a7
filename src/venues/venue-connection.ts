/**
 * One client connection to a venue server that stays up: reconnects after any close with
 * exponential backoff and full jitter (uniform in [0, min(max, initial * 2^attempt)), AWS
 * "Exponential Backoff and Jitter"), so clients dropped together do not return together. Shared by
 * the order gateway and the quote feed, which keep separate connections (they live on different
 * threads).
 */
import WebSocket from 'ws';

/** The part of a pino logger used here (pino's Logger satisfies it). */
export interface VenueLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface VenueConnectionOptions {
  url: string;
  logger?: VenueLogger;
  /**
   * Called with every text frame (ws already sets TCP_NODELAY on its sockets). Binary frames are
   * not part of the protocol: they arrive as an empty text, which the owner counts as malformed.
   */
  onFrame: (text: string) => void;
  onOpen?: () => void;
  onClose?: () => void;
  /** First reconnect delay ceiling; default 50 ms (venues are local, restarts are quick). */
  backoffInitialMs?: number;
  /** Largest reconnect delay ceiling; default 2 s. */
  backoffMaxMs?: number;
  /** A connection up longer than this resets the backoff; default 5 s. */
  stableAfterMs?: number;
  random?: () => number;
}

export interface VenueConnectionStats {
  connects: number;
  disconnects: number;
  /** Binary frames (the protocol is text only). */
  binaryFrames: number;
}

const MAX_PAYLOAD_BYTES = 1 << 16;

export class VenueConnection {
  readonly stats: VenueConnectionStats = { connects: 0, disconnects: 0, binaryFrames: 0 };
  private ws: WebSocket | null = null;
  private attempt = 0;
  private openedAtMs = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: VenueConnectionOptions) {
    if (!/^wss?:\/\/\S+$/.test(opts.url))
      throw new RangeError(`venue url: must be ws:// or wss://, got "${opts.url}"`);
  }

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.closed && this.ws === null && this.reconnectTimer === null) this.connect();
  }

  /** Sends one text frame; false when the connection is not open (the frame is not queued). */
  send(text: string): boolean {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(text);
    return true;
  }

  /** Stops reconnecting and closes the socket; resolves once it is closed. */
  close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closing');
      else ws.terminate();
    });
  }

  private connect(): void {
    const ws = new WebSocket(this.opts.url, { maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      this.stats.connects++;
      this.openedAtMs = Date.now();
      this.opts.logger?.info({ url: this.opts.url }, 'venue: connected');
      this.opts.onOpen?.();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary || !Buffer.isBuffer(data)) {
        this.stats.binaryFrames++;
        this.opts.onFrame('');
      } else {
        this.opts.onFrame(data.toString('utf8'));
      }
    });
    ws.on('error', (err) =>
      this.opts.logger?.warn({ url: this.opts.url, err: err.message }, 'venue: socket error'),
    );
    ws.on('close', () => this.onClose(ws));
  }

  private onClose(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.ws = null;
    const upMs = this.openedAtMs > 0 ? Date.now() - this.openedAtMs : 0;
    if (this.openedAtMs > 0) {
      this.stats.disconnects++;
      this.opts.onClose?.();
    }
    this.openedAtMs = 0;
    if (this.closed) return;
    if (upMs > (this.opts.stableAfterMs ?? 5000)) this.attempt = 0;
    const initial = this.opts.backoffInitialMs ?? 50;
    const ceiling = Math.min(this.opts.backoffMaxMs ?? 2000, initial * 2 ** this.attempt);
    const delayMs = Math.floor((this.opts.random ?? Math.random)() * ceiling);
    this.attempt = Math.min(this.attempt + 1, 30);
    this.opts.logger?.warn(
      { url: this.opts.url, upMs, delayMs, attempt: this.attempt },
      'venue: disconnected, reconnecting',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.connect();
    }, delayMs);
  }
}
