/**
 * What main does before a faulted worker is started again (DESIGN: the supervisor restarts
 * stages). Rings need nothing: a producer's unpublished claims died with it and its successor
 * continues from the published head; a consumer's successor re-reads what was never released,
 * and risk skips what it had already done (ids only rise). What the dead worker held in memory
 * is rebuilt: risk's positions and open orders from the journal (and the open orders are then
 * cancelled at the venues to reconcile), route's and execute's id sequences from the shared
 * counters, the simulated market from the cross-venue mids, and an execute restart asks risk to
 * cancel every open order (the simulated venues inside the dead worker took theirs with them).
 */

import type { Logger } from '../core/logger.js';
import type { Registry } from '../core/registry.js';
import { replayJournal } from '../execution/journal-replay.js';
import { QuoteTable } from '../market/quote-table.js';
import type { JournalDrain } from '../pipeline/journal-drain.js';
import type { PipelineHandles, PipelineSettings } from '../pipeline/pipeline-handles.js';
import type { ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import type { RestartPolicy } from './supervisor.js';

export interface RestartContext {
  readonly handles: PipelineHandles;
  readonly registry: Registry;
  readonly metrics: PipelineMetrics;
  readonly control: ControlBlock;
  readonly journal: JournalDrain;
  readonly journalPath: string;
  readonly log: Logger;
  readonly maxRestarts: number;
}

/** Current cross-venue mids as a calibration, so a restarted simulated market carries on from them. */
function calibrationFromMids(x: RestartContext): PipelineSettings['calibration'] {
  const quotes = new QuoteTable(x.handles.quotes, x.registry.venueCount);
  const base = x.handles.settings.calibration ?? {};
  const out: Record<string, { price: number; volPerSqrtSec: number }> = { ...base };
  x.registry.symbols.forEach((symbol, s) => {
    const mid = quotes.referenceMid(s);
    if (Number.isFinite(mid) && mid > 0)
      out[symbol] = { price: mid, volPerSqrtSec: base[symbol]?.volPerSqrtSec ?? 0.002 };
  });
  return out;
}

export function createRestartPolicy(x: RestartContext): RestartPolicy {
  let generation = 0;
  return {
    maxRestarts: x.maxRestarts,
    prepare: async (hostIndex) => {
      const stages = x.handles.hosts[hostIndex].stages;
      const c = x.metrics.counters;
      generation++;
      x.journal.drain(); // everything the dead worker published is on disk before it is replayed
      const recovery = stages.includes('risk') ? replayJournal(x.journalPath) : null;
      const settings: PipelineSettings = {
        ...x.handles.settings,
        recovery,
        calibration: stages.includes('ingest') ? calibrationFromMids(x) : x.handles.settings.calibration,
        restart: {
          generation,
          clientOrderIdBase: c.byName('last_client_order_id'),
          execIdBase: c.byName('last_exec_id'),
        },
      };
      if (stages.includes('execute') && !stages.includes('risk')) x.control.requestReconcile();
      c.add(x.metrics.slot('worker_restarts'), 1);
      x.log.warn(
        {
          host: x.handles.hosts[hostIndex].name,
          generation,
          recovered_open_orders: recovery?.openOrders.length ?? null,
          reconcile: stages.includes('execute') || (recovery?.openOrders.length ?? 0) > 0,
        },
        'restarting worker',
      );
      return { ...x.handles, settings };
    },
  };
}
