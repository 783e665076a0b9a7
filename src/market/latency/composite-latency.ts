/**
 * A stack of latency models: a base model at the bottom and wrappers, each of which transforms
 * the sample of the model below it (load scaling, spikes, outages). The stack is the one
 * VenueLatencyModel the gateway sees; its parts stay reachable by class for tests and reports.
 */
import type { Random } from '../../core/random.js';
import type { VenueLatencyModel } from './venue-latency-model.js';

/** Builds a model on top of `inner`. */
export type LatencyWrapper = (inner: VenueLatencyModel) => VenueLatencyModel;

export class CompositeLatency implements VenueLatencyModel {
  /** Bottom first: the base model, then each wrapper in the order given. */
  readonly stack: readonly VenueLatencyModel[];
  private readonly top: VenueLatencyModel;

  constructor(base: VenueLatencyModel, wrappers: readonly LatencyWrapper[] = []) {
    const stack: VenueLatencyModel[] = [base];
    for (const wrap of wrappers) stack.push(wrap(stack[stack.length - 1]));
    this.stack = stack;
    this.top = stack[stack.length - 1];
  }

  sampleRoundTripNs(nowNs: number, rng: Random): number {
    return this.top.sampleRoundTripNs(nowNs, rng);
  }

  /** The part of the stack that is an instance of `kind`, if any. */
  part<T extends VenueLatencyModel>(kind: abstract new (...args: never[]) => T): T | undefined {
    for (const m of this.stack) if (m instanceof kind) return m;
    return undefined;
  }
}
