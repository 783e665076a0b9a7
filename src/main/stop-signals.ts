/**
 * SIGINT and SIGTERM during a run: the first stops it in order (halt, cancel, wait for the venues,
 * backtest phase, summary.json); a second, from someone in a hurry, cuts the wait and skips the
 * backtest phase but still writes summary.json and says so; a third exits at once (130).
 */
import type { Logger } from '../core/logger.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export class StopSignals {
  /** Resolves with the first signal's name. */
  readonly first: Promise<string>;
  /** Aborted by the second signal. */
  readonly hurry = new AbortController();
  private count = 0;
  private resolveFirst: (sig: string) => void = () => {};

  constructor(
    private readonly log: Logger,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {
    this.first = new Promise((r) => {
      this.resolveFirst = r;
    });
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  /** The run stops for another reason (duration, end of replay): the next signal hurries it. */
  stopping(): void {
    this.count = Math.max(this.count, 1);
  }

  get hurried(): boolean {
    return this.hurry.signal.aborted;
  }

  private readonly onSignal = (sig: NodeJS.Signals): void => {
    this.count++;
    if (this.count === 1) {
      this.log.info({ signal: sig }, 'stopping: halting trading and cancelling open orders (again to hurry)');
      this.resolveFirst(sig);
    } else if (this.count === 2) {
      this.hurry.abort();
      this.log.warn(
        { signal: sig },
        'second signal: not waiting for the venues to answer the cancels, skipping the backtest phase; summary.json is still written (a third signal exits at once)',
      );
    } else {
      process.stderr.write(`hft: ${sig} a third time: exiting now, without summary.json\n`);
      this.exit(130);
    }
  };

  /** Restores the default: the next signal ends the process. Safe to call more than once. */
  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}
