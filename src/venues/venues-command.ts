/**
 * `hft venues`: every configured venue served as a WebSocket server on one loopback port, at
 * `ws://127.0.0.1:<port>/<venue>`. One `SimMarket` drives all venues, so their quotes stay around
 * one efficient price per symbol, as in the embedded simulation; it is polled every millisecond
 * and each tick becomes its venue's new top of book. One `PreciseScheduler` serves every venue's
 * latency deadlines.
 *
 * Plain HTTP on the same port: `GET /venues` lists the venues and symbols served. The control
 * endpoint (loopback only, like the venues): `GET /control` answers every venue's stats and
 * injected faults as JSON; `POST /control/<venue>` with a
 * JSON body `{"extraDelayMs":50,"stall":true,"rejectAll":false,"refuseConnections":false,"drop":true}`
 * (any subset) changes that venue's faults, `drop` closing its connections (fault tests, drills).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { VenueConfig } from '../config/config-types.js';
import { Registry } from '../core/registry.js';
import { SimMarket } from '../market/sim-market.js';
import { TickCodec } from '../shm/records.js';
import { PreciseScheduler } from './precise-scheduler.js';
import type { VenueLogger } from './venue-connection.js';
import { parseFaultPatch } from './venue-faults.js';
import { VenueServer } from './venue-server.js';

export interface VenuesCommandOptions {
  /** 0 picks a free port. */
  port: number;
  configVenues: VenueConfig[];
  symbols: string[];
  seed: number;
  log: VenueLogger;
  /** Default 127.0.0.1; the venues are a local simulation and are not meant to be exposed. */
  host?: string;
  /** Fixed round trip per venue name, microseconds, instead of the venue's latency model (tests). */
  delayUs?: Readonly<Record<string, number>>;
  /**
   * Quote updates per second across all symbols and venues; default 1000. 0 = no simulated feed:
   * books change only through `servers[name].publishQuote` (tests).
   */
  quoteRatePerSec?: number;
  /** One line per venue with its URL; default stdout. */
  print?: (line: string) => void;
}

export interface VenuesHandle {
  close(): Promise<void>;
  /** Venue name -> ws URL. */
  urls: Record<string, string>;
  /** The servers, by venue name (stats, tests). */
  servers: Record<string, VenueServer>;
  port: number;
}

const POLL_MS = 1;

export async function runVenuesCommand(opts: VenuesCommandOptions): Promise<VenuesHandle> {
  const host = opts.host ?? '127.0.0.1';
  const registry = new Registry({ symbols: opts.symbols, venues: opts.configVenues.map((v) => v.name) });
  const scheduler = new PreciseScheduler();
  const servers: Record<string, VenueServer> = {};
  const byName = new Map<string, VenueServer>();
  const byId = opts.configVenues.map((venue, i) => {
    const server = new VenueServer({
      venue,
      symbols: opts.symbols,
      delayUs: opts.delayUs?.[venue.name],
      seed: opts.seed + 7919 * (i + 1),
      logger: opts.log,
      scheduler,
    });
    servers[venue.name] = server;
    byName.set(venue.name, server);
    return server;
  });
  const http = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/venues') {
      // What a client checks before trading (hft run --source venues:URL refuses what is not served).
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ venues: [...byName.keys()], symbols: [...opts.symbols] })}\n`);
      return;
    }
    if ((req.url ?? '').startsWith('/control')) {
      control(req, byName).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(`${JSON.stringify(body)}\n`);
        },
        () => res.destroy(),
      );
      return;
    }
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end(
      `WebSocket only: ${Object.keys(servers)
        .map((v) => `/${v}`)
        .join(' ')}\n`,
    );
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const server = byName.get(venueFromPath(req.url));
    if (server !== undefined) server.handleUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  const port = await listen(http, host, opts.port);
  const rate = opts.quoteRatePerSec ?? 1000;
  const feed = rate > 0 ? startQuoteFeed(registry, opts.configVenues, rate, opts.seed, byId) : null;
  const urls: Record<string, string> = {};
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  for (const name of Object.keys(servers)) {
    urls[name] = `ws://${host}:${port}/${encodeURIComponent(name)}`;
    print(`venue ${name} ${urls[name]}`);
  }
  opts.log.info({ port, venues: Object.keys(servers) }, 'venues: serving');
  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    if (feed !== null) clearInterval(feed);
    await Promise.all(byId.map((s) => s.close()));
    scheduler.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  // Idempotent: a signal handler and a test teardown may both close.
  return { urls, servers, port, close: () => (closing ??= close()) };
}

const MAX_CONTROL_BODY = 4096;

/** The control endpoint (module comment): stats and faults per venue. */
async function control(
  req: IncomingMessage,
  byName: Map<string, VenueServer>,
): Promise<{ status: number; body: unknown }> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && path === '/control') {
    return {
      status: 200,
      body: Object.fromEntries([...byName].map(([n, s]) => [n, { stats: s.stats, faults: s.faults }])),
    };
  }
  const server = byName.get(venueFromPath(path.slice('/control'.length)));
  if (req.method !== 'POST' || server === undefined) return { status: 404, body: { error: 'not found' } };
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_CONTROL_BODY) return { status: 413, body: { error: 'body too large' } };
  }
  let patch: unknown;
  try {
    patch = JSON.parse(text || '{}');
  } catch {
    return { status: 400, body: { error: 'body must be JSON' } };
  }
  const parsed = parseFaultPatch(patch);
  if (typeof parsed === 'string') return { status: 400, body: { error: parsed } };
  try {
    server.setFaults(parsed.patch);
  } catch (err) {
    return { status: 400, body: { error: (err as Error).message } };
  }
  const dropped = parsed.drop ? server.dropConnections() : 0;
  return { status: 200, body: { venue: server.name, faults: server.faults, dropped } };
}

function venueFromPath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0];
  try {
    return decodeURIComponent(path.slice(1));
  } catch {
    return '';
  }
}

function listen(http: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      const addr = http.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}

/** Polls the simulated market every millisecond and hands each tick to its venue. */
function startQuoteFeed(
  registry: Registry,
  venues: VenueConfig[],
  ratePerSec: number,
  seed: number,
  byId: VenueServer[],
): NodeJS.Timeout {
  const market = new SimMarket(registry, venues, { ratePerSec, seed });
  const tick = TickCodec.create();
  const pump = () => {
    const nowNs = performance.now() * 1e6;
    // Bounded per poll so a stalled loop catches up gradually instead of flooding clients.
    for (let i = 0; i < 1000 && market.poll(nowNs, tick); i++) {
      byId[tick.venueId].publishQuote(tick.symbolId, tick.bidPx, tick.askPx, tick.bidQty, tick.askQty);
    }
  };
  pump();
  return setInterval(pump, POLL_MS);
}
