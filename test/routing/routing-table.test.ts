import { describe, expect, it } from 'vitest';
import {
  createRoutingTable,
  RoutingTable,
  SIZE_BUCKETS,
  sizeBucket,
} from '../../src/routing/routing-table.js';

describe('RoutingTable', () => {
  it('buckets sizes by powers of sqrt(2), one row per (symbol, side, bucket)', () => {
    expect([1, 2, 3, 100, 141, 142, 200, 1e9].map(sizeBucket)).toEqual([
      0,
      2,
      3,
      13,
      14,
      14,
      15,
      SIZE_BUCKETS - 1,
    ]);
    const t = new RoutingTable(createRoutingTable(2, 3));
    expect(t.rows).toBe(2 * 2 * SIZE_BUCKETS);
    const row = t.rowOf(1, -1, 200);
    expect([t.symbolOfRow(row), t.sideOfRow(row)]).toEqual([1, -1]);
    expect(t.rowOf(1, 1, 200)).not.toBe(row);
  });

  it('an unread row has no decision; reading it leaves the order size as the row hint', () => {
    const t = new RoutingTable(createRoutingTable(1, 3));
    const out = new Float64Array(4);
    const row = t.rowOf(0, 1, 300);
    expect(t.qtyHint(row)).toBe(0);
    expect(t.read(row, 300, out)).toBe(false);
    expect(t.qtyHint(row)).toBe(300);
  });

  it('a published split reads back with its decision time, from another view of the same memory', () => {
    const handle = createRoutingTable(1, 3);
    const writer = new RoutingTable(handle);
    const reader = new RoutingTable(handle);
    const row = writer.rowOf(0, -1, 100);
    writer.publish(row, Float64Array.of(0.5, 0, 0.5), 123e6);
    const out = new Float64Array(4);
    expect(reader.read(row, 100, out)).toBe(true);
    expect(Array.from(out)).toEqual([0.5, 0, 0.5, 123e6]);
  });
});
