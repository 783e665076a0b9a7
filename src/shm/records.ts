/**
 * The message types that cross rings. Prices are USD, quantities are shares, stamps are float64
 * nanoseconds since the process epoch (docs/architecture.md principle 7). Ids are small integers from the
 * registry that main builds at start-up.
 */
import { compileCodec, defineLayout, type RecordOf } from './record-layout.js';

export const TickLayout = defineLayout('Tick', [
  { name: 'seq', type: 'f64' },
  { name: 'exchTsNs', type: 'f64' },
  { name: 'recvTsNs', type: 'f64' },
  /** Stamp when ingest published the normalised tick. */
  { name: 'ingestTsNs', type: 'f64' },
  { name: 'bidPx', type: 'f64' },
  { name: 'askPx', type: 'f64' },
  { name: 'bidQty', type: 'f64' },
  { name: 'askQty', type: 'f64' },
  { name: 'lastPx', type: 'f64' },
  { name: 'lastQty', type: 'f64' },
  { name: 'symbolId', type: 'i32' },
  { name: 'venueId', type: 'i32' },
  /** TickFlag bits. */
  { name: 'flags', type: 'i32' },
]);

export const TickFlag = { quote: 1, trade: 2 } as const;

export const LatencySampleLayout = defineLayout('LatencySample', [
  { name: 'tsNs', type: 'f64' },
  { name: 'latencyNs', type: 'f64' },
  { name: 'orderQty', type: 'f64' },
  { name: 'venueId', type: 'i32' },
  /** LatencyKind. */
  { name: 'kind', type: 'i32' },
]);

/**
 * orderAck: order hand-off -> venue ack; probe: ws ping/pong round trip; feed: venue stamp ->
 * receive; decision: tick receive -> order hand-off (our own processing, the tick_to_order time).
 */
export const LatencyKind = { orderAck: 1, probe: 2, feed: 3, decision: 4 } as const;

export const OrderLayout = defineLayout('Order', [
  { name: 'clientOrderId', type: 'f64' },
  { name: 'qty', type: 'f64' },
  { name: 'limitPx', type: 'f64' },
  /** Cross-venue mid when the strategy decided; the benchmark for execution quality. */
  { name: 'arrivalMid', type: 'f64' },
  { name: 'tickRecvTsNs', type: 'f64' },
  { name: 'tickIngestTsNs', type: 'f64' },
  { name: 'routeTsNs', type: 'f64' },
  { name: 'riskTsNs', type: 'f64' },
  /** How long a passive (GTC) order rests at the venue before it expires; 0 for IOC. */
  { name: 'ttlNs', type: 'f64' },
  { name: 'symbolId', type: 'i32' },
  { name: 'venueId', type: 'i32' },
  /** Side: 1 buy, -1 sell. */
  { name: 'side', type: 'i32' },
  /** OrderType. */
  { name: 'type', type: 'i32' },
  { name: 'strategyId', type: 'i32' },
]);

export const Side = { buy: 1, sell: -1 } as const;
export const OrderType = { limitIoc: 1, limitGtc: 2, cancel: 3 } as const;

export const ExecReportLayout = defineLayout('ExecReport', [
  { name: 'clientOrderId', type: 'f64' },
  /** Unique per report from one venue session: resends and journal replays are deduplicated on it. */
  { name: 'execId', type: 'f64' },
  { name: 'fillQty', type: 'f64' },
  { name: 'fillPx', type: 'f64' },
  { name: 'leavesQty', type: 'f64' },
  { name: 'feeUsd', type: 'f64' },
  /** When the order was handed to the venue connection. */
  { name: 'sentTsNs', type: 'f64' },
  { name: 'venueTsNs', type: 'f64' },
  { name: 'recvTsNs', type: 'f64' },
  { name: 'symbolId', type: 'i32' },
  { name: 'venueId', type: 'i32' },
  { name: 'side', type: 'i32' },
  /** ExecKind. */
  { name: 'kind', type: 'i32' },
  /** RejectReason, 0 when not a reject. */
  { name: 'reason', type: 'i32' },
]);

export const ExecKind = { ack: 1, fill: 2, reject: 3, cancel: 4, expired: 5, ackTimeout: 6 } as const;

/**
 * One line of the journal: a risk decision on an order, or an execution report. Order fields
 * are filled for decisions, report fields for reports.
 */
export const JournalLayout = defineLayout('Journal', [
  { name: 'tsNs', type: 'f64' },
  { name: 'clientOrderId', type: 'f64' },
  { name: 'execId', type: 'f64' },
  { name: 'qty', type: 'f64' },
  { name: 'limitPx', type: 'f64' },
  { name: 'fillQty', type: 'f64' },
  { name: 'fillPx', type: 'f64' },
  { name: 'leavesQty', type: 'f64' },
  { name: 'feeUsd', type: 'f64' },
  { name: 'symbolId', type: 'i32' },
  { name: 'venueId', type: 'i32' },
  { name: 'side', type: 'i32' },
  /** JournalKind. */
  { name: 'kind', type: 'i32' },
  /** Risk reject reason (index + 1) for rejected orders, venue reason for reports. */
  { name: 'reason', type: 'i32' },
]);

/**
 * Decisions are 1-2 and 9; reports reuse ExecKind + 2. `positionSeed` (10) sets one symbol's
 * position when a cluster daemon adopts another shard (docs/cluster.md "Takeover"): `qty` the
 * signed position, `fillPx` its average price, `limitPx` its realised P&L, `feeUsd` its fees.
 * The adopted shard's open orders are journaled as `approved` with reason ADOPTED_ORDER.
 */
export const JournalKind = {
  approved: 1,
  rejected: 2,
  ack: 3,
  fill: 4,
  venueReject: 5,
  cancel: 6,
  expired: 7,
  ackTimeout: 8,
  cancelRequest: 9,
  positionSeed: 10,
} as const;

/** `reason` of an `approved` record that re-opens an order adopted from another shard's journal. */
export const ADOPTED_ORDER = 1;

export type Tick = RecordOf<typeof TickLayout>;
export type LatencySample = RecordOf<typeof LatencySampleLayout>;
export type Order = RecordOf<typeof OrderLayout>;
export type ExecReport = RecordOf<typeof ExecReportLayout>;
export type JournalEntry = RecordOf<typeof JournalLayout>;

export const TickCodec = compileCodec(TickLayout);
export const LatencySampleCodec = compileCodec(LatencySampleLayout);
export const OrderCodec = compileCodec(OrderLayout);
export const ExecReportCodec = compileCodec(ExecReportLayout);
export const JournalCodec = compileCodec(JournalLayout);
