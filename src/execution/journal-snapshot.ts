/** The state a journal starts from (its header) and what --recover rebuilds: positions and open orders, by name. */
export interface PositionSnapshot {
  symbol: string;
  qty: number;
  avgPx: number;
  realized: number;
  fees: number;
}

export interface OpenOrderSnapshot {
  clientOrderId: number;
  symbol: string;
  venue: string;
  side: number;
  qty: number;
  filledQty: number;
  limitPx: number;
}

export interface RecoveredSnapshot {
  positions: PositionSnapshot[];
  openOrders: OpenOrderSnapshot[];
  /** Client order ids at or below this were used: new ids continue above it. */
  maxClientOrderId: number;
  /** Execution report ids at or below this were applied (absent in journals' start states). */
  maxExecId?: number;
}
