/** A stage bound to its rings: what a host thread polls. Stage logic stays in the stage class. */
export interface StageNode {
  readonly name: string;
  /** Does a bounded batch of work; returns how many records it handled. */
  poll(nowNs: number): number;
  /**
   * True when an input ring (or held-back output) has something for `poll`. Called while spinning,
   * so it takes no arguments and returns a boolean: passing or returning float64 stamps across
   * this megamorphic call would allocate a heap number per call. Timers are covered by
   * `nextDueNs`, which bounds the idle wait instead.
   */
  hasWork(): boolean;
  /** Earliest time a timer of this node falls due (ns); +Infinity when none. */
  nextDueNs(): number;
  /** Called once when the run stops. */
  close(): void;
  /** True when the node's inputs arrive on the event loop (sockets): its host idles asynchronously. */
  readonly eventDriven?: boolean;
}

/** Records handled per ring per poll, so one busy input cannot starve another. */
export const BATCH = 256;
