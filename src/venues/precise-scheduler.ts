/**
 * Runs callbacks at microsecond-precise times on the event loop. `setTimeout` has ~1 ms
 * granularity (libuv rounds to whole milliseconds and the kernel adds timer slack), so the
 * scheduler sleeps with `setTimeout` until `spinWindowMs` before the earliest due time and then
 * polls `performance.now()` from `setImmediate` callbacks until it is due. Polling from
 * `setImmediate` rather than a synchronous spin keeps the event loop turning, so sockets (and a
 * client in the same process) are served while a deadline is being waited out; the cost is one
 * core busy for up to `spinWindowMs` before each deadline.
 */
import { TimerHeap } from '../core/timer-heap.js';

export type ScheduledTask = () => void;

export interface PreciseSchedulerOptions {
  /**
   * How long before a deadline to stop sleeping and start polling; default 1 ms (libuv wakes a
   * timer within ~0.1 ms after its whole-millisecond due time, and never after it was asked).
   */
  spinWindowMs?: number;
  /** Initial task capacity; grows by doubling when full. Default 4096. */
  capacity?: number;
  /** Time source in ms (tests); default `performance.now`. */
  now?: () => number;
}

export interface PreciseSchedulerStats {
  fired: number;
  /** Sleeps that woke after the deadline itself (the timer overslept the spin window). */
  overslept: number;
}

export class PreciseScheduler {
  readonly stats: PreciseSchedulerStats = { fired: 0, overslept: 0 };
  private heap: TimerHeap;
  private tasks: (ScheduledTask | null)[];
  private free: number[];
  private readonly spinWindowMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  /** Due time the armed timer wakes for; +Infinity when none. */
  private timerDueMs = Number.POSITIVE_INFINITY;
  private polling = false;
  private closed = false;
  private readonly pollFn = () => this.poll();
  private readonly wakeFn = () => this.onTimer();

  constructor(opts: PreciseSchedulerOptions = {}) {
    this.spinWindowMs = opts.spinWindowMs ?? 1;
    this.now = opts.now ?? (() => performance.now());
    const cap = opts.capacity ?? 4096;
    this.heap = new TimerHeap(cap);
    this.tasks = new Array<ScheduledTask | null>(cap).fill(null);
    this.free = Array.from({ length: cap }, (_, i) => cap - 1 - i);
    if (!(this.spinWindowMs >= 0)) throw new RangeError('precise scheduler: spinWindowMs must be >= 0');
  }

  /** Tasks waiting to run. */
  get pending(): number {
    return this.heap.size;
  }

  /** Runs `task` at `dueMs` (the `performance.now()` time base); a past time runs it on the next poll. */
  at(dueMs: number, task: ScheduledTask): void {
    if (this.closed) return;
    if (this.free.length === 0) this.grow();
    const slot = this.free.pop()!;
    this.tasks[slot] = task;
    this.heap.push(dueMs, slot);
    this.arm();
  }

  /** Runs `task` `delayMs` from now. */
  after(delayMs: number, task: ScheduledTask): void {
    this.at(this.now() + delayMs, task);
  }

  /** Drops every pending task and stops the timers. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    while (this.heap.size > 0) this.tasks[this.heap.pop()] = null;
  }

  private arm(): void {
    if (this.polling || this.heap.size === 0 || this.closed) return;
    const due = this.heap.peekDue();
    const sleepMs = due - this.spinWindowMs - this.now();
    if (sleepMs <= 0) {
      this.startPolling();
      return;
    }
    if (this.timer !== null) {
      if (this.timerDueMs <= due) return; // the armed timer already wakes early enough
      clearTimeout(this.timer);
    }
    this.timerDueMs = due;
    // libuv truncates to whole ms; flooring keeps the wake-up inside the spin window.
    this.timer = setTimeout(this.wakeFn, Math.max(1, Math.floor(sleepMs)));
  }

  private onTimer(): void {
    this.timer = null;
    if (this.now() > this.timerDueMs) this.stats.overslept++;
    this.timerDueMs = Number.POSITIVE_INFINITY;
    this.startPolling();
  }

  private startPolling(): void {
    if (this.polling) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerDueMs = Number.POSITIVE_INFINITY;
    this.polling = true;
    setImmediate(this.pollFn);
  }

  private poll(): void {
    this.polling = false;
    if (this.closed) return;
    let now = this.now();
    while (this.heap.size > 0 && this.heap.peekDue() <= now) {
      const slot = this.heap.pop();
      const task = this.tasks[slot]!;
      this.tasks[slot] = null;
      this.free.push(slot);
      this.stats.fired++;
      task();
      now = this.now();
    }
    if (this.heap.size === 0) return;
    if (this.heap.peekDue() - this.spinWindowMs <= now) {
      this.polling = true;
      setImmediate(this.pollFn);
    } else {
      this.arm();
    }
  }

  private grow(): void {
    const old = this.heap;
    const cap = old.capacity * 2;
    const heap = new TimerHeap(cap);
    while (old.size > 0) {
      const due = old.peekDue();
      heap.push(due, old.pop());
    }
    this.heap = heap;
    for (let i = cap - 1; i >= this.tasks.length; i--) this.free.push(i);
    this.tasks.length = cap;
    this.tasks.fill(null, old.capacity);
  }
}
