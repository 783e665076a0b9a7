import { describe, expect, it } from 'vitest';
import { createSharedCounters, SharedCounters } from '../../src/shm/shared-counters.js';

describe('SharedCounters', () => {
  it('resolves names to stable slots in declaration order', () => {
    const c = new SharedCounters(createSharedCounters(['ticks', 'orders', 'fills']));
    expect([c.slot('ticks'), c.slot('orders'), c.slot('fills')]).toEqual([0, 1, 2]);
  });

  it('adds, sets and reads by slot and by name', () => {
    const c = new SharedCounters(createSharedCounters(['ticks', 'pnl']));
    const ticks = c.slot('ticks');
    const pnl = c.slot('pnl');
    for (let i = 0; i < 1000; i++) c.add(ticks, 1);
    c.add(ticks, 0.5);
    c.set(pnl, -123.25);
    c.set(pnl, 99.5);
    expect(c.get(ticks)).toBe(1000.5);
    expect(c.byName('ticks')).toBe(1000.5);
    expect(c.byName('pnl')).toBe(99.5);
    expect(c.toObject()).toEqual({ ticks: 1000.5, pnl: 99.5 });
  });

  it('starts every counter at 0', () => {
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const c = new SharedCounters(createSharedCounters(names));
    expect(Object.values(c.toObject())).toEqual(new Array(20).fill(0));
  });

  it('lets a second view over the same buffer (another thread) see every write', () => {
    const handle = createSharedCounters(['a', 'b', 'c']);
    const writer = new SharedCounters(handle);
    const reader = new SharedCounters(handle);
    writer.add(writer.slot('b'), 7);
    writer.set(writer.slot('c'), 2 ** 53);
    expect(reader.toObject()).toEqual({ a: 0, b: 7, c: 2 ** 53 });
  });

  it('sizes the buffer in whole 64-byte lines with room for every counter', () => {
    for (const n of [0, 1, 8, 9, 16, 17, 100]) {
      const handle = createSharedCounters(Array.from({ length: n }, (_, i) => `n${i}`));
      expect(handle.buffer.byteLength % 64).toBe(0);
      expect(handle.buffer.byteLength).toBeGreaterThanOrEqual(Math.max(64, n * 8));
      expect(handle.buffer.byteLength).toBeLessThan(Math.max(64, n * 8) + 64);
    }
  });

  it('rejects duplicate names at creation and unknown names at lookup', () => {
    expect(() => createSharedCounters(['a', 'b', 'a'])).toThrow('shared counters: duplicate name');
    const c = new SharedCounters(createSharedCounters(['a']));
    expect(() => c.slot('nope')).toThrow('shared counters: unknown counter nope');
    expect(() => c.byName('nope')).toThrow('shared counters: unknown counter nope');
  });
});
