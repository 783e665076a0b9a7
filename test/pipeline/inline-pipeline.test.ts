import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { MonotonicClock } from '../../src/core/clock.js';
import { Registry } from '../../src/core/registry.js';
import { createPipelineHandles, settingsFromConfig } from '../../src/pipeline/pipeline-handles.js';
import { runHost } from '../../src/pipeline/run-host.js';
import { BATCH } from '../../src/pipeline/stage-node.js';
import { Breaker, ControlBlock } from '../../src/run-state/control-block.js';
import { PipelineMetrics } from '../../src/run-state/pipeline-metrics.js';

const CONFIG_DIR = resolve(import.meta.dirname, '../../config');

/** Runs every stage on this thread (the inline topology) for `ms`, with the real clock. */
async function runInline(ms: number, patch: (cfg: ReturnType<typeof resolveConfig>) => void = () => {}) {
  const cfg = resolveConfig(
    { mode: 'fast', pipeline: 'inline', rate: '20000' },
    {},
    { configDir: CONFIG_DIR, cwd: '/' },
  );
  cfg.trading.strategy = { ...cfg.trading.strategy, name: 'momentum', threshold_bps: 0.5, cooldown_ms: 2 };
  patch(cfg);
  const registry = new Registry({
    symbols: cfg.trading.symbols,
    venues: cfg.market.venues.map((v) => v.name),
  });
  const epochNs = process.hrtime.bigint();
  const handles = createPipelineHandles(registry.toData(), settingsFromConfig(cfg), epochNs);
  const control = new ControlBlock(handles.control);
  control.go();
  setTimeout(() => control.stop(), ms);
  await runHost(handles, 0, new MonotonicClock(epochNs));
  const m = new PipelineMetrics(handles.metrics);
  return { m, c: (n: string) => m.counters.byName(n), registry, cfg };
}

describe('inline pipeline (all stages on one thread)', () => {
  it('turns simulated ticks into risk-checked, executed orders without losing any', async () => {
    const { m, c, registry } = await runInline(1500);
    expect(c('ticks_processed')).toBeGreaterThan(20_000);
    expect(c('ticks_rejected')).toBe(0);
    expect(c('ticks_routed')).toBe(c('ticks_processed'));
    expect(c('orders_sent')).toBeGreaterThan(100);
    // Every order that passed risk reached the venue; every one sent was acked or is in flight.
    expect(c('risk_checks')).toBe(c('orders_intended'));
    expect(c('orders_sent') + c('orders_rejected_risk')).toBe(c('risk_checks'));
    const inFlightBound = c('orders_sent') - c('orders_acked');
    expect(inFlightBound).toBeGreaterThanOrEqual(0);
    expect(inFlightBound).toBeLessThan(50);
    // IOC orders end filled or expired once acked (rejects would need a venue without quotes).
    const ended = c('orders_filled') + c('orders_expired') + c('orders_rejected_venue');
    expect(ended).toBeLessThanOrEqual(c('orders_acked'));
    expect(ended).toBeGreaterThan(c('orders_acked') - 50);
    expect(c('orders_dropped')).toBe(0);
    // Positions equal the signed sum of fills, per the per-venue counters and the position book.
    let net = 0;
    for (let s = 0; s < registry.symbolCount; s++) net += Math.abs(c(`symbol_${s}_position`));
    expect(net).toBeLessThanOrEqual(c('filled_qty'));
    expect(m.hist.tick_to_order.count).toBe(c('orders_sent'));
    expect(m.hist.tick_to_order.quantileNs(0.5)).toBeGreaterThan(0);
    expect(m.hist.order_to_ack.count).toBe(c('orders_acked'));
    // Acks measured against the configured venue latencies (fast mode: 250-600 us medians).
    expect(m.hist.order_to_ack.quantileNs(0.5)).toBeGreaterThan(200e3);
    expect(m.hist.order_to_ack.quantileNs(0.5)).toBeLessThan(2e6);
    expect(c('latency_samples')).toBe(c('orders_acked'));
  });

  it('respects the position limit: risk rejects rather than exceeding max_position_size', async () => {
    const { c, registry, cfg } = await runInline(1000, (cfg) => {
      cfg.trading.max_position_size = 200;
      cfg.trading.order_size = 100;
    });
    for (let s = 0; s < registry.symbolCount; s++) {
      expect(Math.abs(c(`symbol_${s}_position`))).toBeLessThanOrEqual(cfg.trading.max_position_size);
    }
    expect(c('risk_reject_max_position')).toBeGreaterThan(0);
  });
});

describe('kill switch on the inline pipeline', () => {
  it('cancels every open order and refuses new ones while tripped', async () => {
    const cfg = resolveConfig(
      { mode: 'fast', pipeline: 'inline', rate: '20000' },
      {},
      { configDir: CONFIG_DIR, cwd: '/' },
    );
    cfg.trading.strategy = { ...cfg.trading.strategy, name: 'momentum', threshold_bps: 0.2, cooldown_ms: 1 };
    // Slow venues keep orders open long enough for the kill switch to find some.
    for (const v of cfg.market.venues)
      v.latency = { base_us: 20_000, jitter_sigma: 0, spike_prob: 0, spike_us: 0 };
    const registry = new Registry({
      symbols: cfg.trading.symbols,
      venues: cfg.market.venues.map((v) => v.name),
    });
    const epochNs = process.hrtime.bigint();
    const handles = createPipelineHandles(
      registry.toData(),
      { ...settingsFromConfig(cfg), journal: false },
      epochNs,
    );
    const control = new ControlBlock(handles.control);
    const m = new PipelineMetrics(handles.metrics);
    const c = (n: string) => m.counters.byName(n);
    control.go();
    let atKill = { sent: 0, open: 0 };
    setTimeout(() => {
      atKill = { sent: c('orders_sent'), open: c('orders_sent') - c('orders_acked') };
      control.trip(Breaker.killSwitch);
    }, 700);
    setTimeout(() => control.stop(), 1000);
    await runHost(handles, 0, new MonotonicClock(epochNs));
    expect(atKill.open).toBeGreaterThan(0);
    expect(c('kill_switch_cancels')).toBeGreaterThan(0);
    expect(c('orders_cancelled')).toBeGreaterThan(0);
    expect(c('open_orders')).toBe(0);
    // Nothing new reached a venue after the kill (an order already past risk may still go out).
    expect(c('orders_sent') - atKill.sent).toBeLessThanOrEqual(BATCH);
    expect(c('risk_reject_halted')).toBeGreaterThan(0);
  });
});

describe('every strategy on the inline pipeline', () => {
  it.each(['momentum', 'mean-reversion', 'arbitrage', 'market-making'] as const)(
    '%s trades and stays inside its limits',
    async (name) => {
      const { c, registry, cfg } = await runInline(1200, (cfg) => {
        cfg.trading.strategy = {
          ...cfg.trading.strategy,
          name,
          threshold_bps: name === 'arbitrage' ? 0 : 0.5,
          cooldown_ms: 2,
        };
        cfg.trading.max_position_size = 1000;
      });
      expect(c('orders_sent')).toBeGreaterThan(10);
      expect(c('fills')).toBeGreaterThan(0);
      expect(c('order_anomalies')).toBe(0);
      for (let s = 0; s < registry.symbolCount; s++) {
        expect(Math.abs(c(`symbol_${s}_position`))).toBeLessThanOrEqual(cfg.trading.max_position_size);
      }
    },
  );

  it('the simulated venues charge makers backtest.maker_fee_bps: a rebate makes the fees fall below the takers alone', async () => {
    const run = (makerFeeBps: number) =>
      runInline(1200, (cfg) => {
        cfg.trading.strategy = { ...cfg.trading.strategy, name: 'market-making', cooldown_ms: 2 };
        cfg.trading.max_position_size = 1000;
        cfg.backtest.maker_fee_bps = makerFeeBps;
      });
    const free = await run(0);
    const rebate = await run(-5);
    expect(free.c('fills')).toBeGreaterThan(0);
    expect(rebate.c('fills')).toBeGreaterThan(0);
    // Makers free: every fee is a taker fee (>= 0). A 5 bp maker rebate: resting fills pay back.
    expect(free.c('pnl_fees')).toBeGreaterThanOrEqual(0);
    expect(rebate.c('pnl_fees')).toBeLessThan(0);
  });
});
