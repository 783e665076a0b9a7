/** Counter slots the risk stage writes, resolved once. */
import { type PipelineMetrics, RISK_REJECT_REASONS } from '../run-state/pipeline-metrics.js';

export class RiskMetricSlots {
  readonly checks: number;
  readonly rejected: number;
  readonly rejectByReason: Int32Array;
  readonly filled: number;
  readonly fills: number;
  readonly filledQty: number;
  readonly rejectedVenue: number;
  readonly expired: number;
  readonly cancelled: number;
  readonly ackTimeouts: number;
  readonly duplicateReports: number;
  readonly anomalies: number;
  readonly breakerTrips: number;
  readonly killSwitchCancels: number;
  readonly realized: number;
  readonly unrealized: number;
  readonly fees: number;
  readonly gross: number;
  readonly clusterBudgetOn: number;
  readonly clusterGranted: number;
  readonly exposure: number;
  readonly exposureMax: number;
  readonly openOrders: number;
  readonly position: Int32Array;
  readonly standby: Int32Array;

  constructor(m: PipelineMetrics, symbolCount: number) {
    this.checks = m.slot('risk_checks');
    this.rejected = m.slot('orders_rejected_risk');
    this.rejectByReason = Int32Array.from(RISK_REJECT_REASONS, (r) => m.slot(`risk_reject_${r}`));
    this.filled = m.slot('orders_filled');
    this.fills = m.slot('fills');
    this.filledQty = m.slot('filled_qty');
    this.rejectedVenue = m.slot('orders_rejected_venue');
    this.expired = m.slot('orders_expired');
    this.cancelled = m.slot('orders_cancelled');
    this.ackTimeouts = m.slot('orders_ack_timeouts');
    this.duplicateReports = m.slot('reports_duplicate');
    this.anomalies = m.slot('order_anomalies');
    this.breakerTrips = m.slot('breaker_trips');
    this.killSwitchCancels = m.slot('kill_switch_cancels');
    this.realized = m.slot('pnl_realized');
    this.unrealized = m.slot('pnl_unrealized');
    this.fees = m.slot('pnl_fees');
    this.gross = m.slot('gross_notional');
    this.clusterBudgetOn = m.slot('cluster_budget_on');
    this.clusterGranted = m.slot('cluster_notional_granted');
    this.exposure = m.slot('exposure_usd');
    this.exposureMax = m.slot('exposure_max_usd');
    this.openOrders = m.slot('open_orders');
    this.position = m.slots(symbolCount, (s) => `symbol_${s}_position`);
    this.standby = m.slots(symbolCount, (s) => `symbol_${s}_standby`);
  }
}
