/**
 * The data `hft train latency` and `hft eval latency` use: with `--samples FILE`, that file split
 * by time (train: first 70% of each venue's samples, test: the last 30%); without it, the
 * simulator's venue latency models, trained on all venues but the last and seeds from `--seed`,
 * tested on every venue with held-out seeds.
 */

import type { VenueConfig } from '../config/config-types.js';
import { UsageError } from '../core/errors.js';
import { abidesFilterReference } from '../ml/latency/causal-filter/abides-regime-process.js';
import type { FilterReference } from '../ml/latency/causal-filter/filter-forecasts.js';
import { venueFilterReference } from '../ml/latency/causal-filter/venue-regime-process.js';
import {
  loadLatencySamples,
  type SimSplit,
  simSplit,
  simTestSamples,
  simTrainingSamples,
} from '../ml/latency/latency-data-sources.js';
import type { RowPart } from '../ml/latency/latency-dataset.js';
import type { LatencySamples } from '../ml/latency/latency-series.js';
import { DEFAULT_ORDER_FLOW } from '../ml/latency/sim-latency-samples.js';

export interface LatencyDataOptions {
  readonly samples?: string;
  /** Venue latency configs of the simulator (config market.venues). */
  readonly venues: readonly VenueConfig[];
  readonly seed: number;
  /** Simulated training streams per venue, and seconds per stream. */
  readonly streams?: number;
  readonly streamSeconds?: number;
  /** The known process a `--samples` file was drawn from (`abides`), for the causal filter. */
  readonly process?: string;
}

export interface LatencyData {
  readonly samples: LatencySamples;
  readonly part: RowPart;
  readonly description: string;
  readonly metadata: Record<string, unknown>;
  /** The true process of the test samples, when known: the causal filter's parameters. */
  readonly filter: FilterReference | null;
}

/** Processes `--process` names: a `--samples` file drawn from one of them gets its causal filter. */
export const KNOWN_PROCESSES = ['abides'] as const;

function fileFilter(name: string | undefined): FilterReference | null {
  if (name === undefined) return null;
  if (name === 'abides') return abidesFilterReference();
  throw new UsageError(`--process: unknown process "${name}"; expected one of ${KNOWN_PROCESSES.join(', ')}`);
}

function refuseProcessWithoutSamples(o: LatencyDataOptions): void {
  if (o.samples === undefined && o.process !== undefined)
    throw new UsageError('--process: names the process of a --samples file; the simulator needs none');
}

const FILE_SPLIT = 'per venue by time: first 70% train, last 30% test';

function split(o: LatencyDataOptions): SimSplit {
  const flow = { ...DEFAULT_ORDER_FLOW, durationS: o.streamSeconds ?? DEFAULT_ORDER_FLOW.durationS };
  return simSplit(o.venues, o.seed, o.streams, flow);
}

function simMetadata(s: SimSplit): Record<string, unknown> {
  return {
    source: 'simulator (src/market/latency, config market.venues)',
    train_venues: s.trainVenues.map((v) => v.name),
    held_out_venues: s.heldOutVenues,
    train_seeds: s.trainSeeds,
    test_seeds: s.testSeeds,
    order_flow: s.flow,
  };
}

export function trainingData(o: LatencyDataOptions): LatencyData {
  refuseProcessWithoutSamples(o);
  if (o.samples !== undefined) {
    return {
      samples: loadLatencySamples(o.samples),
      part: 'train',
      description: `${o.samples}, first 70% of each venue's samples`,
      metadata: { source: 'samples', file: o.samples, split: FILE_SPLIT },
      filter: fileFilter(o.process),
    };
  }
  const s = split(o);
  return {
    samples: simTrainingSamples(s),
    part: 'all',
    description: `simulated ${s.trainVenues.map((v) => v.name).join(', ')} x seeds ${s.trainSeeds.join(', ')}`,
    metadata: simMetadata(s),
    filter: venueFilterReference(s.trainVenues),
  };
}

/** Reuses `loaded` (the training data of the same file) instead of reading the file again. */
export function testData(o: LatencyDataOptions, loaded?: LatencySamples): LatencyData {
  if (o.samples !== undefined) {
    return {
      samples: loaded ?? loadLatencySamples(o.samples),
      part: 'test',
      description: `${o.samples}, last 30% of each venue's samples`,
      metadata: { source: 'samples', file: o.samples, split: FILE_SPLIT },
      filter: fileFilter(o.process),
    };
  }
  refuseProcessWithoutSamples(o);
  const s = split(o);
  return {
    samples: simTestSamples(s),
    part: 'all',
    description: `simulated ${s.testVenues.map((v) => v.name).join(', ')} x held-out seeds ${s.testSeeds.join(', ')}`,
    metadata: simMetadata(s),
    filter: venueFilterReference(s.testVenues),
  };
}
