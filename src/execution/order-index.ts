/** Client order id -> slot lookup for the socket gateway's preallocated order table. */

/** Power of two >= n. */
export function pow2(n: number): number {
  let c = 2;
  while (c < n) c *= 2;
  return c;
}

/**
 * Client order id -> slot, open addressing with linear probing and backward-shift deletion
 * (no tombstones, so probe lengths stay short under churn). Table at most half full.
 */
export class OrderIndex {
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    const size = pow2(capacity * 2);
    this.keys = new Float64Array(size);
    this.vals = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  private home(key: number): number {
    const lo = key | 0;
    const hi = (key / 4294967296) | 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) & this.mask;
  }

  get(key: number): number {
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const v = this.vals[i];
      if (v < 0 || this.keys[i] === key) return v;
    }
  }

  set(key: number, slot: number): void {
    let i = this.home(key);
    while (this.vals[i] >= 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.vals[i] = slot;
  }

  delete(key: number): void {
    let i = this.home(key);
    while (this.vals[i] >= 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    if (this.vals[i] < 0) return;
    // Backward shift: pull later entries of the run into the hole if their home allows it.
    for (let j = (i + 1) & this.mask; this.vals[j] >= 0; j = (j + 1) & this.mask) {
      const h = this.home(this.keys[j]);
      // Entry j may move to i unless its home lies cyclically in (i, j].
      if (i <= j ? h > i && h <= j : h > i || h <= j) continue;
      this.keys[i] = this.keys[j];
      this.vals[i] = this.vals[j];
      i = j;
    }
    this.vals[i] = -1;
  }
}
