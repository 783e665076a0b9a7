/**
 * Where the workers' garbage comes from: runs the inline topology (every stage on this thread) on
 * the simulated market and samples every allocation with V8's sampling heap profiler, counting
 * objects the scavenger already collected. Prints bytes allocated per tick and the top sites.
 *
 *   npm run bench:garbage -- [--rate 100000] [--seconds 5] [--warm-up-ms 1500] [--router best-price] [--inline-budget] [--by-caller] [--json]
 *
 * `--inline-budget` applies the inlining budget the supervisor gives the workers (supervisor.ts);
 * without it V8's defaults apply. A site is the function on top of the stack, with everything V8
 * inlined into it; `--by-caller` names its caller too. `--json` prints one line of JSON instead
 * (bytes_per_tick, ticks, orders, top sites; test/pipeline/hot-path-garbage.test.ts reads it).
 * The sample is statistical (one allocation in ~512 bytes).
 */
import { Session } from 'node:inspector/promises';
import { MonotonicClock } from '../src/core/clock.js';
import { Registry } from '../src/core/registry.js';
import { raiseInliningBudget } from '../src/main/supervisor.js';
import { createPipelineHandles, settingsFromConfig } from '../src/pipeline/pipeline-handles.js';
import { runHost } from '../src/pipeline/run-host.js';
import { ControlBlock } from '../src/run-state/control-block.js';
import { PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import { benchConfig } from './pipeline.bench.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/dist\//, '')}:${f.lineNumber + 1}`;
}

/** Self bytes per allocation site (prefixed by its caller's frame with `byCaller`), summed over the profile tree. */
function sites(head: ProfileNode, byCaller: boolean): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (n: ProfileNode, caller: string) => {
    const name = frameName(n);
    const key = byCaller ? `${caller} > ${name}` : name;
    if (n.selfSize > 0) out.set(key, (out.get(key) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, name);
  };
  walk(head, '');
  return out;
}

interface GarbageSample {
  ticks: number;
  orders: number;
  /** Sampled self bytes per allocation site over the measured stretch. */
  bySite: Map<string, number>;
}

/** Runs the inline topology on this thread; samples allocations after `warmUpMs` for `seconds`. */
async function sampleInline(
  rate: number,
  router: string,
  warmUpMs: number,
  seconds: number,
  byCaller: boolean,
): Promise<GarbageSample> {
  const cfg = benchConfig('inline', rate, router);
  const registry = new Registry({
    symbols: cfg.trading.symbols,
    venues: cfg.market.venues.map((v) => v.name),
  });
  const epochNs = process.hrtime.bigint();
  const settings = { ...settingsFromConfig(cfg), journal: false, record: false };
  const handles = createPipelineHandles(registry.toData(), settings, epochNs);
  const control = new ControlBlock(handles.control);
  const metrics = new PipelineMetrics(handles.metrics);
  control.go();
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  let ticksAtStart = 0;
  setTimeout(() => {
    ticksAtStart = metrics.counters.byName('ticks_processed');
    void session.post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }, warmUpMs);
  setTimeout(() => control.stop(), warmUpMs + seconds * 1000);
  await runHost(handles, 0, new MonotonicClock(epochNs));
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  return {
    ticks: metrics.counters.byName('ticks_processed') - ticksAtStart,
    orders: metrics.counters.byName('orders_sent'),
    bySite: sites(profile.head, byCaller),
  };
}

async function main(): Promise<void> {
  const rate = Number(arg('--rate', '100000'));
  const seconds = Number(arg('--seconds', '5'));
  if (process.argv.includes('--inline-budget')) raiseInliningBudget();
  const router = arg('--router', 'best-price');
  const sample = await sampleInline(
    rate,
    router,
    Number(arg('--warm-up-ms', '1500')),
    seconds,
    process.argv.includes('--by-caller'),
  );
  const ticks = Math.max(sample.ticks, 1);
  const total = [...sample.bySite.values()].reduce((a, b) => a + b, 0);
  const top = [...sample.bySite]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([site, bytes]) => ({ site, 'bytes/tick': Number((bytes / ticks).toFixed(1)) }));
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({
        rate,
        router,
        seconds,
        ticks: sample.ticks,
        orders: sample.orders,
        bytes_per_tick: total / ticks,
        top,
      }),
    );
    return;
  }
  console.log(
    `inline topology, ${router}, ${rate} ticks/s, ${seconds} s sampled: ${sample.ticks} ticks, ${sample.orders} orders; ${(total / ticks).toFixed(1)} bytes allocated per tick`,
  );
  console.table(top);
}

await main();
