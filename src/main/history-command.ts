/**
 * `hft history --symbols A,B --from DATE --to DATE` (docs/contract.md): caches daily bars from Yahoo
 * Finance and prints, per symbol, what the simulated market will be calibrated with.
 */
import { calibrateFromCloses } from '../market/history/calibration.js';
import { fetchHistory, type YahooClient } from '../market/history/fetch-history.js';

export interface HistoryCommandOptions {
  symbols: string[];
  from: string;
  to: string;
  cacheDir: string;
  /** Injected transport for tests; default the real network. */
  client?: YahooClient;
  /** "Today" for the date checks and the intraday reach; default the current time. */
  now?: Date;
}

export async function runHistoryCommand(
  opts: HistoryCommandOptions,
  out: (line: string) => void,
): Promise<void> {
  const results = await fetchHistory(opts.symbols, opts.from, opts.to, {
    cacheDir: opts.cacheDir,
    ...(opts.client ? { client: opts.client } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  for (const r of results) {
    if (r.path === null) {
      out(`${r.symbol}: no daily bars from ${opts.from} to ${opts.to}; cache unchanged`);
      continue;
    }
    const cal = calibrateFromCloses(
      r.symbol,
      r.bars.map((b) => b.close),
    );
    const last = r.bars[r.bars.length - 1];
    const vol =
      cal.annualVol === null
        ? `too few bars for a vol, default ${cal.volPerSqrtSec}/sqrt(s) stays`
        : `vol ${cal.volPerSqrtSec.toExponential(3)}/sqrt(s) (${(cal.annualVol * 100).toFixed(1)}% annualised)`;
    const currency = r.currency ? ` ${r.currency}` : '';
    const intraday = r.intraday ? ` + ${r.intraday.length} 5m bars` : '';
    out(
      `${r.symbol}: ${r.bars.length} bars cached (${r.bars[0].date}..${last.date})${intraday}, ` +
        `last close ${last.close.toFixed(2)}${currency} on ${last.date}, ${vol} -> ${r.path}`,
    );
  }
}
