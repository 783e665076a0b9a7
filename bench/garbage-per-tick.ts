/**
 * Where the workers' garbage comes from: runs the inline topology (every stage on this thread) on
 * the simulated market and samples every allocation with V8's sampling heap profiler, counting
 * objects the scavenger already collected. Prints bytes allocated per tick and the top sites.
 *
 *   npm run bench:garbage -- [--rate 100000] [--seconds 5] [--inline-budget]
 *
 * `--inline-budget` applies the inlining budget the supervisor gives the workers (supervisor.ts);
 * without it V8's defaults apply. The sample is statistical (one allocation in ~512 bytes).
 */
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { MonotonicClock } from '../src/core/clock.js';
import { Registry } from '../src/core/registry.js';
import { INLINE_BYTECODE_CUMULATIVE, INLINE_BYTECODE_SIZE } from '../src/main/supervisor.js';
import { createPipelineHandles, settingsFromConfig } from '../src/pipeline/pipeline-handles.js';
import { runHost } from '../src/pipeline/run-host.js';
import { ControlBlock } from '../src/run-state/control-block.js';
import { PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import { benchConfig } from './pipeline.bench.js';

const WARM_UP_MS = 1500;

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Self bytes per allocation site, summed over the profile tree. */
function sites(head: ProfileNode): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (n: ProfileNode) => {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/dist\//, '')}:${f.lineNumber + 1}`;
    if (n.selfSize > 0) out.set(key, (out.get(key) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c);
  };
  walk(head);
  return out;
}

async function main(): Promise<void> {
  const rate = arg('--rate', '100000');
  const seconds = Number(arg('--seconds', '5'));
  if (process.argv.includes('--inline-budget')) {
    setFlagsFromString(`--max-inlined-bytecode-size=${INLINE_BYTECODE_SIZE}`);
    setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BYTECODE_CUMULATIVE}`);
  }
  const cfg = benchConfig('inline', Number(rate));
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
  }, WARM_UP_MS);
  setTimeout(() => control.stop(), WARM_UP_MS + seconds * 1000);
  await runHost(handles, 0, new MonotonicClock(epochNs));
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  const ticks = metrics.counters.byName('ticks_processed') - ticksAtStart;
  const bySite = sites(profile.head);
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  console.log(
    `inline topology, ${rate} ticks/s, ${seconds} s sampled: ${ticks} ticks, ${metrics.counters.byName('orders_sent')} orders; ${(total / Math.max(ticks, 1)).toFixed(1)} bytes allocated per tick`,
  );
  console.table(
    [...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([site, bytes]) => ({ site, 'bytes/tick': Number((bytes / Math.max(ticks, 1)).toFixed(1)) })),
  );
}

await main();
