/**
 * A local server that speaks Finnhub's WebSocket protocol on 127.0.0.1 (random port): checks the
 * `token` query parameter (401 otherwise), records every client message, and lets a test push
 * trade, ping, error and arbitrary frames or drop the connection from the server side.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface ClientMessage {
  /** Connection number, from 1. */
  conn: number;
  type: string;
  symbol: string;
}

export interface TestTrade {
  s: string;
  p: number;
  t: number;
  v: number;
  c?: string[] | null;
}

export class FinnhubTestServer {
  /** Every subscribe/unsubscribe received, in order. */
  readonly received: ClientMessage[] = [];
  /** Query strings of refused connections (wrong token). */
  readonly refused: string[] = [];
  connections = 0;
  private wss: WebSocketServer | null = null;
  private current: WebSocket | null = null;
  private readonly waiters: (() => void)[] = [];

  /** `autoPong: false` plays a dead peer that never answers WebSocket pings. */
  constructor(
    private readonly token: string,
    private readonly opts: { autoPong?: boolean } = {},
  ) {}

  async start(): Promise<string> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      autoPong: this.opts.autoPong ?? true,
      verifyClient: (info, cb) => {
        const url = new URL(info.req.url ?? '/', 'http://localhost');
        if (url.searchParams.get('token') === this.token) cb(true);
        else {
          this.refused.push(url.search);
          cb(false, 401, 'Unauthorized');
        }
      },
    });
    this.wss = wss;
    wss.on('connection', (ws) => {
      const conn = ++this.connections;
      this.current = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { type: string; symbol: string };
        this.received.push({ conn, type: msg.type, symbol: msg.symbol });
        this.notify();
      });
      this.notify();
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  }

  /** Subscribed symbols of connection `conn`, in the order they arrived. */
  subscriptions(conn: number, type = 'subscribe'): string[] {
    return this.received.filter((m) => m.conn === conn && m.type === type).map((m) => m.symbol);
  }

  /** Resolves when `pred` holds, re-checked on every server event; rejects after `timeoutMs`. */
  async waitFor(pred: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`test server: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 20));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  sendTrades(trades: TestTrade[]): void {
    this.sendRaw(JSON.stringify({ data: trades, type: 'trade' }));
  }

  sendPing(): void {
    this.sendRaw('{"type":"ping"}');
  }

  sendError(msg: string): void {
    this.sendRaw(JSON.stringify({ type: 'error', msg }));
  }

  sendRaw(text: string): void {
    if (this.current === null || this.current.readyState !== WebSocket.OPEN)
      throw new Error('test server: no open client connection');
    this.current.send(text);
  }

  /** Drops the client from the server side (close frame 1001, as on a server restart). */
  disconnect(): void {
    this.current?.close(1001, 'going away');
    this.current = null;
  }

  async stop(): Promise<void> {
    const wss = this.wss;
    if (wss === null) return;
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    this.wss = null;
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
