/**
 * Replays a live run's policy-input log (record.hftpol) through the same policy: the builder
 * (policy-table-builder.ts) is fed, refresh by refresh at the live refresh instants, exactly the
 * inputs the live builder read (quotes, forecasts, our order flow counts, the sizes asked for,
 * usable venues), so it reaches the decisions the live run reached, bit for bit on one machine.
 * What it decides is kept as each row's history of changes; the log also says which decision
 * every live order used, so the backtest's route stage can be handed that very decision.
 */
import type { Clock } from '../core/clock.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { POLICY_MAX_UNCHANGED_NS } from '../pipeline/policy-table-node.js';
import type { PolicyInputSource } from '../routing/live-policy-inputs.js';
import type { PolicyLog } from '../routing/policy-input-log.js';
import { PolicyInputCodec, PolicyInputKind, type PolicyInputSnapshot } from '../routing/policy-inputs.js';
import { PolicyTableBuilder } from '../routing/policy-table-builder.js';
import { createRoutingTable, RoutingTable } from '../routing/routing-table.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';

/** Which decision the order of one live tick used: its row and the decision's stamp (0: fallback). */
export interface LiveUse {
  readonly tickRecvTsNs: number;
  readonly row: number;
  readonly decidedNs: number;
}

/** A venue the live policy saw go out (usable false) or come back, at the refresh that saw it. */
export interface LiveVenueChange {
  readonly tsNs: number;
  readonly venueId: number;
  readonly usable: boolean;
}

/** The logged frames of each refresh in turn, applied to the builder's snapshot. */
class RecordedPolicyInputs implements PolicyInputSource {
  private i = 0;
  private pollNs = 0;
  private readonly frame = PolicyInputCodec.create();
  private readonly quote = new Float64Array(5);
  readonly uses: LiveUse[] = [];
  readonly venueChanges: LiveVenueChange[] = [];

  constructor(
    private readonly log: PolicyLog,
    private readonly venueCount: number,
  ) {}

  /** Moves past the next poll frame and returns its instant (Infinity: no more). */
  nextPoll(): number {
    const frames = this.log.frames;
    while (this.i < frames.length) {
      frames.read(this.i++, this.frame);
      if (this.frame.kind === PolicyInputKind.poll) {
        this.pollNs = this.frame.tsNs;
        return this.pollNs;
      }
      this.apply(null);
    }
    return Number.POSITIVE_INFINITY;
  }

  read(_nowNs: number, snap: PolicyInputSnapshot): boolean {
    const frames = this.log.frames;
    let changed = false;
    for (; this.i < frames.length; this.i++) {
      frames.read(this.i, this.frame);
      if (this.frame.kind === PolicyInputKind.poll) break;
      changed = this.apply(snap) || changed;
    }
    return changed;
  }

  /** Applies the current frame (uses only when `snap` is null); true when it is a changed input. */
  private apply(snap: PolicyInputSnapshot | null): boolean {
    const f = this.frame;
    if (f.kind === PolicyInputKind.use) {
      this.uses.push({ tickRecvTsNs: f.a, row: f.index, decidedNs: f.b });
      return false;
    }
    if (snap === null) return false;
    switch (f.kind) {
      case PolicyInputKind.quote:
        this.quote.set([f.a, f.b, f.c, f.d, f.e]);
        snap.setQuote(Math.floor(f.index / this.venueCount), f.index % this.venueCount, this.quote);
        return true;
      case PolicyInputKind.forecast:
        snap.setForecastValues(f.index, f.a, f.b, f.c, f.d, f.e);
        return true;
      case PolicyInputKind.counts:
        snap.setCounts(f.index, f.a, f.b, f.c);
        return true;
      case PolicyInputKind.hint:
        snap.setHint(f.index, f.a);
        return false;
      case PolicyInputKind.usable:
        snap.setUsable(f.index, f.a === 1);
        this.venueChanges.push({ tsNs: this.pollNs, venueId: f.index, usable: f.a === 1 });
        return false;
    }
    return false;
  }
}

/** Each row's decisions as they changed: stamps in time order and the split decided at each. */
export class DecisionHistory {
  private readonly stamps: number[][];
  private readonly splits: Float64Array[][];

  constructor(
    rows: number,
    readonly venueCount: number,
  ) {
    this.stamps = Array.from({ length: rows }, () => []);
    this.splits = Array.from({ length: rows }, () => []);
  }

  /** Keeps the row's decision at `decidedNs` when its split differs from the one before. */
  note(row: number, decidedNs: number, split: Float64Array): void {
    const prev = this.splits[row].at(-1);
    if (prev?.every((w, v) => w === split[v])) return;
    this.stamps[row].push(decidedNs);
    this.splits[row].push(split.slice(0, this.venueCount));
  }

  /** The split in force on `row` at `tsNs`, or null when nothing was decided by then. */
  at(row: number, tsNs: number): Float64Array | null {
    const s = this.stamps[row];
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] <= tsNs) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : this.splits[row][lo - 1];
  }

  get changes(): number {
    return this.stamps.reduce((a, s) => a + s.length, 0);
  }
}

export interface PolicyReplay {
  readonly history: DecisionHistory;
  /** The live orders' uses, by tick receive stamp. */
  readonly uses: LiveUse[];
  /** Venues going out and back as the live policy saw them, in time order. */
  readonly venueChanges: LiveVenueChange[];
  readonly polls: number;
}

/** Runs the policy over every logged refresh, before the backtest's event loop starts. */
export function replayPolicy(
  log: PolicyLog,
  policy: OnnxPolicy,
  feeBps: Float64Array,
  clock: Clock,
  metrics: PipelineMetrics,
): PolicyReplay {
  const { symbols, venues } = log.header.registry;
  const table = new RoutingTable(createRoutingTable(symbols.length, venues.length));
  const inputs = new RecordedPolicyInputs(log, venues.length);
  const builder = new PolicyTableBuilder(policy, inputs, table, feeBps, clock, metrics, {
    maxUnchangedNs: POLICY_MAX_UNCHANGED_NS,
  });
  const history = new DecisionHistory(table.rows, venues.length);
  const cell = new Float64Array(venues.length + 1);
  let polls = 0;
  for (let t = inputs.nextPoll(); t < Number.POSITIVE_INFINITY; t = inputs.nextPoll()) {
    polls++;
    if (builder.refresh(t) === 0) continue;
    for (let row = 0; row < table.rows; row++) {
      if (!(builder.inputs.hints[row] > 0)) continue;
      if (table.peek(row, cell) && cell[venues.length] === t) history.note(row, t, cell);
    }
  }
  inputs.uses.sort((a, b) => a.tickRecvTsNs - b.tickRecvTsNs);
  return { history, uses: inputs.uses, venueChanges: inputs.venueChanges, polls };
}
