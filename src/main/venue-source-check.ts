/**
 * `hft run --source venues:URL` asks the venue server what it serves (GET /venues) before
 * starting, and refuses with one line a venue or symbol it does not serve: otherwise the run
 * would reconnect forever to a path that answers 404 and report that venue with no orders.
 */
import type { HftConfig } from '../config/config-types.js';
import { ConfigError } from '../core/errors.js';

interface Served {
  venues: string[];
  symbols: string[];
}

const TIMEOUT_MS = 3000;

/** The venue server's HTTP address for a venues: source (ws -> http, wss -> https). */
export function venuesListUrl(source: string): string {
  const ws = new URL(source.slice('venues:'.length));
  const scheme = ws.protocol === 'wss:' ? 'https:' : 'http:';
  return `${scheme}//${ws.host}/venues`;
}

async function fetchServed(url: string): Promise<Served> {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as Partial<Served>;
  if (!Array.isArray(body.venues) || !Array.isArray(body.symbols)) throw new Error('not a venue server');
  return { venues: body.venues, symbols: body.symbols };
}

export async function checkVenueSource(cfg: HftConfig): Promise<void> {
  const src = cfg.market.source;
  if (!src.startsWith('venues:')) return;
  const url = venuesListUrl(src);
  let served: Served;
  try {
    served = await fetchServed(url);
  } catch (err) {
    const why =
      (err as Error).cause instanceof Error
        ? ((err as Error).cause as Error).message
        : (err as Error).message;
    throw new ConfigError(
      '--source',
      `cannot ask the venue server at ${url} what it serves (${why}); start it first: hft venues --port N`,
    );
  }
  const venues = cfg.market.venues.map((v) => v.name).filter((v) => !served.venues.includes(v));
  const symbols = cfg.trading.symbols.filter((s) => !served.symbols.includes(s));
  if (venues.length + symbols.length === 0) return;
  const missing = [...venues, ...symbols].join(', ');
  throw new ConfigError(
    '--source',
    `${src.slice('venues:'.length)} does not serve ${missing} (it serves ${served.venues.join(', ')}; symbols ${served.symbols.join(', ')}); give hft venues and hft run the same --mode, --config and --symbols`,
  );
}
