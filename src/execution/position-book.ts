/**
 * Positions, cash and P&L per symbol with average-cost accounting. Invariant at every step:
 * cash + sum(position * mark) == initialCash + realised + unrealised(mark) - fees.
 */
export class PositionBook {
  readonly position: Float64Array;
  readonly avgPx: Float64Array;
  readonly realized: Float64Array;
  readonly fees: Float64Array;
  cash: number;

  constructor(
    readonly symbolCount: number,
    readonly initialCash = 0,
  ) {
    this.position = new Float64Array(symbolCount);
    this.avgPx = new Float64Array(symbolCount);
    this.realized = new Float64Array(symbolCount);
    this.fees = new Float64Array(symbolCount);
    this.cash = initialCash;
  }

  /** `side` 1 buy / -1 sell, `qty` > 0 shares, `px` USD, `feeUsd` >= 0. */
  applyFill(symbolId: number, side: number, qty: number, px: number, feeUsd: number): void {
    const q = side * qty;
    const pos = this.position[symbolId];
    if (pos === 0 || Math.sign(pos) === Math.sign(q)) {
      this.avgPx[symbolId] = (pos * this.avgPx[symbolId] + q * px) / (pos + q);
    } else {
      const closed = Math.min(Math.abs(q), Math.abs(pos));
      this.realized[symbolId] += closed * (px - this.avgPx[symbolId]) * Math.sign(pos);
      if (Math.abs(q) > Math.abs(pos))
        this.avgPx[symbolId] = px; // flipped: the rest opens at px
      else if (pos + q === 0) this.avgPx[symbolId] = 0;
    }
    this.position[symbolId] = pos + q;
    this.cash -= q * px + feeUsd;
    this.fees[symbolId] += feeUsd;
  }

  unrealized(symbolId: number, markPx: number): number {
    const pos = this.position[symbolId];
    return pos === 0 ? 0 : pos * (markPx - this.avgPx[symbolId]);
  }

  totalRealized(): number {
    let s = 0;
    for (let i = 0; i < this.symbolCount; i++) s += this.realized[i];
    return s;
  }

  totalFees(): number {
    let s = 0;
    for (let i = 0; i < this.symbolCount; i++) s += this.fees[i];
    return s;
  }

  /** Sum of unrealised P&L with marks per symbol; a symbol without a mark (NaN) counts as 0. */
  totalUnrealized(marks: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.symbolCount; i++) if (!Number.isNaN(marks[i])) s += this.unrealized(i, marks[i]);
    return s;
  }

  /** Gross notional, sum(|position| * mark). */
  grossNotional(marks: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.symbolCount; i++)
      if (!Number.isNaN(marks[i])) s += Math.abs(this.position[i]) * marks[i];
    return s;
  }
}
