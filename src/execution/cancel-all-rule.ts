/**
 * When risk cancels every open order: once per kill-switch trip, and once after a recovery or a
 * reconciliation (orders recovered from a journal are unknown to this venue session). A pass
 * that runs out of ring room is repeated on the next poll until one completes.
 */
export class CancelAllRule {
  private passComplete = false;
  private recoveryCancels = false;
  /** The reconciliation count last seen (startAt: the count when the stage was built). */
  private reconcileSeen = 0;

  /** The reconciliation count when this stage was built: only later ones trigger a pass. */
  startAt(reconcileSeq: number): void {
    this.reconcileSeen = reconcileSeq;
  }

  /**
   * Orders recovered from a journal are open at start, or adopted from another shard mid-run:
   * cancel them (a pass, even if one already completed under a kill switch still held).
   */
  requestAtStart(): void {
    this.recoveryCancels = true;
    this.passComplete = false;
  }

  /** True when a cancel-all pass is due now, given the kill switch and the reconciliation count. */
  due(killSwitch: boolean, reconcileSeq: number): boolean {
    if (reconcileSeq !== this.reconcileSeen) {
      this.reconcileSeen = reconcileSeq;
      this.recoveryCancels = true;
      this.passComplete = false;
    }
    if (killSwitch || this.recoveryCancels) return !this.passComplete;
    // Neither trigger holds: the next trip cancels again.
    this.passComplete = false;
    return false;
  }

  /** Records a pass; an incomplete one (no room for every cancel) is repeated. */
  passDone(complete: boolean): void {
    this.passComplete = complete;
    if (complete) this.recoveryCancels = false;
  }
}
