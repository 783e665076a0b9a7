/**
 * Where latency training and evaluation data come from: a user's file (`--samples`: CSV or a
 * run's recording), or the simulator's venue latency models with a fixed held-out split (venues
 * and seeds that training never sees).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type { VenueConfig } from '../../config/config-types.js';
import { RECORDING_MAGIC } from '../../market/recording/recording-format.js';
import { LatencyCsvError, parseLatencyCsv } from './latency-csv.js';
import type { LatencySamples } from './latency-series.js';
import { readRecordedLatency } from './recorded-latency.js';
import { DEFAULT_ORDER_FLOW, type OrderFlowParams, simulateLatencySamples } from './sim-latency-samples.js';

/** A CSV or a recording (told apart by the recording's magic bytes). Errors map to exit 2. */
export function loadLatencySamples(file: string): LatencySamples {
  if (!existsSync(file)) throw new LatencyCsvError(file, 0, 'no such file');
  return startsWithMagic(file)
    ? readRecordedLatency(file)
    : parseLatencyCsv(readFileSync(file, 'utf8'), file);
}

function startsWithMagic(file: string): boolean {
  const head = new Uint8Array(RECORDING_MAGIC.length);
  const fd = openSync(file, 'r');
  try {
    const got = readSync(fd, head, 0, head.length, 0);
    return got === head.length && String.fromCharCode(...head) === RECORDING_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** The simulator split: training venues and seeds, and the held-out ones. */
export interface SimSplit {
  readonly trainVenues: readonly VenueConfig[];
  readonly testVenues: readonly VenueConfig[];
  readonly heldOutVenues: readonly string[];
  readonly trainSeeds: readonly number[];
  readonly testSeeds: readonly number[];
  readonly flow: OrderFlowParams;
}

/** Test seeds are fixed, so every model is compared on the same held-out streams. */
export const HELD_OUT_SEEDS = [900_001, 900_002, 900_003] as const;
export const DEFAULT_TRAIN_STREAMS = 8;

/**
 * Trains on every configured venue but the last, with seeds `seed * 1000 + 1..streams`; tests on
 * every venue (the last one never seen in training) with HELD_OUT_SEEDS.
 */
export function simSplit(
  venues: readonly VenueConfig[],
  seed: number,
  streams = DEFAULT_TRAIN_STREAMS,
  flow: OrderFlowParams = DEFAULT_ORDER_FLOW,
): SimSplit {
  if (venues.length < 2)
    throw new Error('simulated latency data: needs at least two venues (one is held out)');
  const trainSeeds = Array.from({ length: streams }, (_, i) => seed * 1000 + 1 + i);
  const clash = trainSeeds.find((s) => (HELD_OUT_SEEDS as readonly number[]).includes(s));
  if (clash !== undefined)
    throw new LatencyCsvError(
      '--seed',
      0,
      `training seed ${clash} is a held-out test seed; pick another --seed`,
    );
  return {
    trainVenues: venues.slice(0, -1),
    testVenues: venues,
    heldOutVenues: [venues[venues.length - 1].name],
    trainSeeds,
    testSeeds: [...HELD_OUT_SEEDS],
    flow,
  };
}

export function simTrainingSamples(s: SimSplit): LatencySamples {
  return simulateLatencySamples(s.trainVenues, s.trainSeeds, s.flow);
}

export function simTestSamples(s: SimSplit): LatencySamples {
  return simulateLatencySamples(s.testVenues, s.testSeeds, s.flow);
}
