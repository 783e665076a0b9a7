/** Helpers shared by the venue server and ws gateway tests: loopback venues, waiting, medians. */
import type { VenueLogger } from '../../src/venues/venue-connection.js';
import { runVenuesCommand, type VenuesHandle } from '../../src/venues/venues-command.js';
import { venue } from '../fixtures.js';

export const quietLog: VenueLogger = { info: () => {}, warn: () => {} };

export interface KitOptions {
  /** Venue name -> fixed round trip (us). */
  delayUs: Record<string, number>;
  symbols?: string[];
  /** 0 (default here) = static books set by the test through publishQuote. */
  quoteRatePerSec?: number;
  port?: number;
  feeBps?: number;
}

/** Venues on 127.0.0.1 with fixed delays; names are the keys of `delayUs`, in order. */
export function startVenues(opts: KitOptions): Promise<VenuesHandle> {
  return runVenuesCommand({
    port: opts.port ?? 0,
    configVenues: Object.keys(opts.delayUs).map((name) => venue(name, opts.feeBps ?? 0.5)),
    symbols: opts.symbols ?? ['AAPL', 'MSFT'],
    seed: 42,
    log: quietLog,
    delayUs: opts.delayUs,
    quoteRatePerSec: opts.quoteRatePerSec ?? 0,
    print: () => {},
  });
}

/** Resolves once `cond()` holds; rejects after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[s.length >> 1];
}

/** The acceptance band: within 10% of the configured value or 50 us, whichever is larger. */
export function toleranceUs(configuredUs: number): number {
  return Math.max(0.1 * configuredUs, 50);
}

/**
 * Share of `ms` that a spinning thread loses to gaps over 200 us (preemption by other processes
 * or the hypervisor): a control for what any user-space timing can achieve at that moment.
 */
export function stolenShare(ms: number): number {
  const end = performance.now() + ms;
  let last = performance.now();
  let stolen = 0;
  for (let t = last; t < end; t = performance.now()) {
    if (t - last > 0.2) stolen += t - last;
    last = t;
  }
  return stolen / ms;
}
