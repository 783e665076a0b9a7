import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerHeap } from '../../src/core/timer-heap.js';

describe('TimerHeap', () => {
  it('pops by due time, and entries due at the same time in the order they were pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (dues) => {
        const heap = new TimerHeap(256);
        for (const [i, d] of dues.entries()) heap.push(d, i);
        const popped: number[] = [];
        while (heap.size > 0) popped.push(heap.pop());
        const expected = dues.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d || a.i - b.i);
        expect(popped).toEqual(expected.map((e) => e.i));
      }),
    );
  });

  it('stays ordered when pushes and pops interleave, and refuses a push when full', () => {
    const heap = new TimerHeap(3);
    heap.push(5, 1);
    heap.push(5, 2);
    expect(heap.pop()).toBe(1);
    heap.push(1, 3);
    heap.push(5, 4);
    expect(heap.push(0, 9)).toBe(false);
    expect([heap.pop(), heap.pop(), heap.pop()]).toEqual([3, 2, 4]);
    expect(heap.peekDue()).toBe(Number.POSITIVE_INFINITY);
  });
});
