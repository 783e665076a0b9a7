/** A one-line progress bar redrawn in place on stderr (only on a terminal, never at quiet). */
export class ProgressBar {
  private readonly t0 = performance.now();

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly write: (s: string) => void = (s) => process.stderr.write(s),
  ) {}

  update(done: number, total: number, detail = ''): void {
    if (!this.enabled) return;
    const width = 30;
    const filled = Math.round((Math.min(done, total) / Math.max(total, 1)) * width);
    const s = ((performance.now() - this.t0) / 1000).toFixed(0);
    this.write(
      `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${s}s ${detail}`,
    );
  }

  end(): void {
    if (this.enabled) this.write('\n');
  }
}
