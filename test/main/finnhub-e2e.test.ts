import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingReader } from '../../src/market/recording/recording-reader.js';
import { LatencySampleCodec, TickCodec } from '../../src/shm/records.js';
import { FinnhubTestServer } from '../market/finnhub/finnhub-test-server.js';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');
const KEY = 'fh-secret-key-123';
let server: FinnhubTestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

/** Median mid of the recorded quotes of symbol 0 (AAPL) after `fromNs`. */
function medianMid(file: string): number {
  const r = new RecordingReader(file);
  const t = TickCodec.create();
  const s = LatencySampleCodec.create();
  const mids: number[] = [];
  for (let k = r.next(t, s); k !== 0; k = r.next(t, s))
    if (k === 1 && t.symbolId === 0 && t.askPx > 0) mids.push((t.bidPx + t.askPx) / 2);
  r.close();
  mids.sort((a, b) => a - b);
  return mids[Math.floor(mids.length * 0.75)];
}

/** One frame of each kind the daemon must not use, and the drop reason each is counted under. */
const BAD_FRAMES = [
  '{"type":"trade","data":[{"s":"AAPL","p":',
  '{"type":"news","data":[]}',
  '{"type":"trade","data":[{"s":"AAPL","p":1}]}',
  `{"type":"trade","data":[{"s":"ZZZZ","p":10,"t":${Date.now()},"v":1},{"s":"AAPL","p":-1,"t":1,"v":1},{"s":"AAPL","p":1,"t":1,"v":-5},{"s":"AAPL","p":1,"t":-1,"v":1}]}`,
  '{"type":"error","msg":"Invalid symbol"}',
  `{"type":"trade","pad":"${'x'.repeat(70_000)}"}`,
];
const EXPECTED_DROPS: Record<string, number> = {
  malformed: 1,
  unknown_message: 1,
  missing_field: 1,
  unknown_symbol: 1,
  bad_price: 1,
  bad_quantity: 1,
  bad_timestamp: 1,
  server_error: 1,
  oversized: 1,
};

describe('hft run --source finnhub (against a local server speaking Finnhub)', () => {
  it('subscribes every symbol, anchors the simulated venues to the traded prices, counts bad frames, never shows the key', async () => {
    server = new FinnhubTestServer(KEY);
    const url = await server.start();
    const report = mkdtempSync(join(tmpdir(), 'hft-finnhub-'));
    const child = spawn(
      process.execPath,
      [
        HFT,
        'run',
        '--mode',
        'fast',
        '--source',
        'finnhub',
        '--duration',
        '4',
        '--metrics-port',
        '0',
        '--report',
        report,
      ],
      {
        env: { PATH: process.env.PATH, FINNHUB_API_KEY: KEY, FINNHUB_WS_URL: url },
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const srv = server;
    await srv.waitFor(
      () => srv.received.filter((m) => m.type === 'subscribe').length >= 3,
      'subscriptions',
      10_000,
    );
    expect(srv.received.map((m) => m.symbol).sort()).toEqual(['AAPL', 'GOOGL', 'MSFT']);
    let sent = 0;
    const pusher = setInterval(() => {
      try {
        srv.sendTrades([
          { s: 'AAPL', p: 123.45, t: Date.now(), v: 100 },
          { s: 'MSFT', p: 321.0, t: Date.now(), v: 0 },
        ]);
        if (sent++ === 3) for (const frame of BAD_FRAMES) srv.sendRaw(frame);
      } catch {
        // the daemon has closed its connection at the end of its run
      }
    }, 50);
    const code = await exited;
    clearInterval(pusher);
    expect(code, output).toBe(0);
    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.source).toBe('finnhub');
    expect(summary.feed.trades).toBeGreaterThan(20);
    expect(summary.feed.malformed).toBeGreaterThanOrEqual(1);
    // Every frame or trade not used is counted by its reason, in summary.json and on /metrics.
    for (const reason of Object.keys(EXPECTED_DROPS))
      expect(summary.feed.dropped[reason], reason).toBe(EXPECTED_DROPS[reason]);
    expect(summary.orders.sent).toBeGreaterThan(0);
    // The simulated venues quote around the live price (built-in default for AAPL is 190).
    expect(Math.abs(medianMid(join(report, 'record.hftrec')) - 123.45) / 123.45).toBeLessThan(0.01);
    expect(output).not.toContain(KEY);
    expect(readFileSync(join(report, 'summary.json'), 'utf8')).not.toContain(KEY);
  });

  it('refuses to start without FINNHUB_API_KEY (exit 2, one line)', async () => {
    const child = spawn(process.execPath, [HFT, 'run', '--source', 'finnhub', '--duration', '1'], {
      env: { PATH: process.env.PATH },
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err.trim()).toMatch(/^hft: config FINNHUB_API_KEY: must be set/);
  });
});
