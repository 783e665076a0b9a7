/**
 * A one-line progress bar for long commands (training): redrawn in place on a terminal, and
 * printed as a plain line at most every `lineEveryPct` percent elsewhere (logs, CI).
 */
export class ProgressBar {
  private lastPct = -1;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly width = 30,
    private readonly lineEveryPct = 10,
  ) {}

  /** `fraction` in [0, 1]; `label` follows the bar (e.g. "epoch 2/6 loss 0.16"). */
  update(fraction: number, label: string): void {
    const f = Math.min(1, Math.max(0, fraction));
    const pct = Math.floor(f * 100);
    const filled = Math.round(f * this.width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${String(pct).padStart(3)}% ${label}`;
    if (this.out.isTTY) {
      this.out.write(`\r${line}`);
    } else if (pct >= this.lastPct + this.lineEveryPct || (pct === 100 && this.lastPct < 100)) {
      this.out.write(`${line}\n`);
      this.lastPct = pct;
    }
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
