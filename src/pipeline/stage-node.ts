/**
 * A host's time cell: `[NOW_NS]` the clock reading for this poll, `[DUE_NS]` the earliest timer
 * the nodes report. Float64 stamps cross the megamorphic node calls in this reused cell, never as
 * arguments or return values: V8 boxes a float64 into a new heap number at every such call that
 * it does not inline, which was most of the workers' garbage.
 */
export type HostTime = Float64Array;
export const NOW_NS = 0;
export const DUE_NS = 1;

export function createHostTime(): HostTime {
  return new Float64Array(2);
}

/** What every node's `lowerDue` does with its own earliest timer. */
export function lowerDueNs(time: HostTime, dueNs: number): void {
  if (dueNs < time[DUE_NS]) time[DUE_NS] = dueNs;
}

/** A stage bound to its rings: what a host thread polls. Stage logic stays in the stage class. */
export interface StageNode {
  readonly name: string;
  /** Does a bounded batch of work at `time[NOW_NS]`; returns how many records it handled. */
  poll(time: HostTime): number;
  /**
   * True when an input ring (or held-back output) has something for `poll`. Called while spinning,
   * so it takes no arguments and returns a boolean: passing or returning float64 stamps across
   * this megamorphic call would allocate a heap number per call. Timers are covered by
   * `nextDueNs`, which bounds the idle wait instead.
   */
  hasWork(): boolean;
  /** Lowers `time[DUE_NS]` to the earliest time a timer of this node falls due (ns), if earlier. */
  lowerDue(time: HostTime): void;
  /** Called once when the run stops. */
  close(): void;
  /** True when the node's inputs arrive on the event loop (sockets): its host idles asynchronously. */
  readonly eventDriven?: boolean;
}

/** Records handled per ring per poll, so one busy input cannot starve another. */
export const BATCH = 256;
