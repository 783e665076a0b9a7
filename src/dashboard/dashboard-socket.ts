/**
 * The live dashboard's WebSocket (`/ws` on the daemon's HTTP server): every client gets a snapshot
 * when it connects and then one every interval, built once per interval for all clients and only
 * while someone watches. Clients may send `{"type":"snapshot"}` (one now) or `{"type":"ping"}`;
 * anything else is answered with an error frame and never reaches the pipeline.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export const DASHBOARD_WS_PATH = '/ws';
export const DASHBOARD_INTERVAL_MS = 500;
/** Client messages are tiny commands; anything larger is refused by ws with close code 1009. */
const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** A client this far behind is skipped until it catches up, so a slow tab cannot grow our memory. */
const MAX_BUFFERED_BYTES = 1 << 20;
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_GOING_AWAY = 1001;

export interface DashboardSocketOptions {
  intervalMs?: number;
  /** Where a failure to build or send a snapshot is reported (the daemon's logger). */
  onError?: (err: Error) => void;
}

/** What a client may send, and what it gets back for it. */
export function answerClientMessage(
  data: RawData,
  isBinary: boolean,
): { kind: 'snapshot' } | { kind: 'reply'; frame: object } | { kind: 'close'; code: number; reason: string } {
  if (isBinary) return { kind: 'close', code: CLOSE_UNSUPPORTED_DATA, reason: 'text frames only' };
  let msg: unknown;
  try {
    msg = JSON.parse(data.toString());
  } catch {
    return { kind: 'reply', frame: errorFrame('bad_json', 'message is not JSON') };
  }
  const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
  if (type === 'snapshot') return { kind: 'snapshot' };
  if (type === 'ping') return { kind: 'reply', frame: { type: 'pong' } };
  return {
    kind: 'reply',
    frame: errorFrame('unknown_type', 'expected {"type":"snapshot"} or {"type":"ping"}'),
  };
}

function errorFrame(code: string, message: string): object {
  return { type: 'error', code, message };
}

export class DashboardSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  private readonly timer: NodeJS.Timeout;
  private readonly onError: (err: Error) => void;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(req, socket, head);

  constructor(
    private readonly server: Server,
    private readonly snapshot: () => object,
    opts: DashboardSocketOptions = {},
  ) {
    this.onError = opts.onError ?? (() => {});
    server.on('upgrade', this.onUpgrade);
    this.wss.on('connection', (ws) => this.welcome(ws));
    this.timer = setInterval(() => this.broadcast(), opts.intervalMs ?? DASHBOARD_INTERVAL_MS);
    this.timer.unref();
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  /** Says goodbye to every client (1001) and stops the timer; the HTTP server is the caller's. */
  close(): void {
    clearInterval(this.timer);
    this.server.off('upgrade', this.onUpgrade);
    for (const ws of this.wss.clients) ws.close(CLOSE_GOING_AWAY, 'daemon stopping');
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    if (path !== DASHBOARD_WS_PATH) {
      socket.end(`HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private welcome(ws: WebSocket): void {
    // Protocol errors (oversized or malformed frames) close the connection; they must not throw.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      const answer = answerClientMessage(data, isBinary);
      if (answer.kind === 'close') ws.close(answer.code, answer.reason);
      else if (answer.kind === 'reply') ws.send(JSON.stringify(answer.frame));
      else this.sendTo([ws], this.build());
    });
    this.sendTo([ws], this.build());
  }

  private broadcast(): void {
    if (this.wss.clients.size === 0) return;
    this.sendTo(this.wss.clients, this.build());
  }

  /** The snapshot as JSON, or null (reported) if building it failed. */
  private build(): string | null {
    try {
      return JSON.stringify(this.snapshot());
    } catch (err) {
      this.onError(err as Error);
      return null;
    }
  }

  private sendTo(clients: Iterable<WebSocket>, json: string | null): void {
    if (json === null) return;
    for (const ws of clients) {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED_BYTES) ws.send(json);
    }
  }
}
