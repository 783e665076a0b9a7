import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSeqlockTable, SeqlockTable } from '../../src/shm/seqlock-table.js';
import { ensureCompiledShm, startWorker } from './fixtures/thread-harness.js';

describe('SeqlockTable, one thread', () => {
  it('reads back what was written, per row and per column', () => {
    const table = new SeqlockTable(createSeqlockTable(4, 3));
    table.writeRow(0, [1.5, -2, Number.NaN]);
    table.writeRow(3, [7, 8, 9]);
    const out = new Float64Array(3);
    expect(table.readRow(0, out)).toBe(2);
    expect(Array.from(out)).toEqual([1.5, -2, Number.NaN]);
    expect(table.readRow(3, out)).toBe(2);
    expect(Array.from(out)).toEqual([7, 8, 9]);
    expect(table.read(3, 1)).toBe(8);
    // Untouched rows read as zeros at version 0 ("never written").
    expect(table.readRow(1, out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  it('keeps rows independent, including rows whose columns span several cache lines', () => {
    const cols = 20;
    const table = new SeqlockTable(createSeqlockTable(5, cols));
    for (let r = 0; r < 5; r++)
      table.writeRow(
        r,
        Array.from({ length: cols }, (_, c) => r * 100 + c),
      );
    const out: number[] = [];
    for (let r = 0; r < 5; r++) {
      table.readRow(r, out);
      expect(out).toEqual(Array.from({ length: cols }, (_, c) => r * 100 + c));
    }
  });

  it('makes the version odd during a write and even (advanced by 2) after it', () => {
    const table = new SeqlockTable(createSeqlockTable(2, 2));
    expect(table.version(1)).toBe(0);
    table.beginWrite(1);
    expect(table.version(1) % 2).toBe(1);
    table.set(1, 0, 42);
    table.set(1, 1, 43);
    table.endWrite(1);
    expect(table.version(1)).toBe(2);
    table.writeRow(1, [1, 2]);
    expect(table.version(1)).toBe(4);
    expect(table.version(0)).toBe(0);
    expect(table.read(1, 0)).toBe(1);
  });

  it('gives up on a row that stays mid-write for seconds (a dead writer), naming the row', () => {
    const table = new SeqlockTable(createSeqlockTable(3, 2));
    table.writeRow(2, [1, 2]);
    table.beginWrite(2);
    const t0 = performance.now();
    expect(() => table.readRow(2, new Float64Array(2))).toThrow('seqlock row 2: writer stuck mid-write');
    // A descheduled writer is waited out, not mistaken for a dead one.
    expect(performance.now() - t0).toBeGreaterThan(1000);
    table.endWrite(2);
    expect(table.read(2, 1)).toBe(2);
  });

  it('keeps working after the 32-bit version counter wraps', () => {
    const handle = createSeqlockTable(1, 2);
    new Int32Array(handle.buffer)[0] = 2 ** 31 - 2; // just below the int32 wrap, even
    const table = new SeqlockTable(handle);
    table.writeRow(0, [5, 6]);
    expect(table.version(0)).toBe(-(2 ** 31));
    const out = new Float64Array(2);
    expect(table.readRow(0, out) & 1).toBe(0);
    expect(Array.from(out)).toEqual([5, 6]);
  });

  // 0 is what readRow reports for "never written"; the version must skip it when it wraps, or
  // QuoteTable and ForecastTable would treat a live row as empty after 2^31 writes.
  it('a row written 2^31 times still reads as written (the version skips 0 on wrap)', () => {
    const handle = createSeqlockTable(1, 2);
    new Int32Array(handle.buffer)[0] = -2; // even, one write before the wrap to 0
    const table = new SeqlockTable(handle);
    table.writeRow(0, [5, 6]);
    expect(table.readRow(0, new Float64Array(2))).not.toBe(0);
  });
});

describe('SeqlockTable, writer thread and reader thread', () => {
  beforeAll(() => ensureCompiledShm());

  it('never lets the reader see a row with mixed values over ~1 s of concurrent writes', async () => {
    const rows = 4;
    const cols = 6; // 56 bytes of payload: one 64-byte line per row
    const handle = createSeqlockTable(rows, cols);
    const table = new SeqlockTable(handle);
    const stop = new SharedArrayBuffer(12);
    const writer = startWorker<{ writes: number }>('seqlock-writer.mjs', { table: handle, stop });

    // Wait until the writer is running before timing the reads.
    const t0 = performance.now();
    while (table.version(1) === 0 && performance.now() - t0 < 10_000) await yieldToEventLoop();
    expect(table.version(1)).not.toBe(0);

    const out = new Float64Array(cols);
    const last = new Float64Array(rows);
    let reads = 0;
    let mixed = 0;
    let wrongRow = 0;
    let oddVersions = 0;
    let wentBack = 0;
    let changes = 0;
    let stuck = 0;
    const end = performance.now() + 1000;
    while (performance.now() < end) {
      // Read in slices so this thread's event loop still turns (the worker's messages).
      for (let n = 0; n < 20_000; n++) {
        if ((n & 255) === 255 && performance.now() >= end) break;
        const row = n % rows;
        let version: number;
        try {
          version = table.readRow(row, out);
        } catch {
          stuck++;
          continue;
        }
        reads++;
        const v = out[0];
        for (let c = 1; c < cols; c++) if (!Object.is(out[c], v)) mixed++;
        if (version !== 0 && v % rows !== row) wrongRow++;
        if ((version & 1) !== 0) oddVersions++;
        if (v < last[row]) wentBack++;
        if (v !== last[row]) changes++;
        last[row] = v;
      }
      await yieldToEventLoop();
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    const { writes } = await writer.result;

    expect(mixed).toBe(0);
    expect(wrongRow).toBe(0);
    expect(oddVersions).toBe(0);
    expect(wentBack).toBe(0);
    expect(stuck).toBe(0);
    expect(reads).toBeGreaterThan(1_000);
    expect(writes).toBeGreaterThan(1_000);
    // The reads really overlapped the writes: rows changed between consecutive reads. The bound
    // is low because on a loaded 2-core machine the two threads may time-share one core.
    expect(changes).toBeGreaterThan(50);
    console.info(`seqlock threads: ${reads} reads, ${writes} writes, ${changes} changes seen`);
  });

  it('waits out a writer stalled mid-write and then returns the whole new row', async () => {
    const handle = createSeqlockTable(1, 6);
    const table = new SeqlockTable(handle);
    table.writeRow(0, [1, 1, 1, 1, 1, 1]);
    const stop = new SharedArrayBuffer(12);
    const midWrite = new Int32Array(stop);
    const writer = startWorker<{ writes: number }>('seqlock-writer.mjs', {
      table: handle,
      stop,
      pauseMs: 80,
    });
    const t0 = performance.now();
    while (Atomics.load(midWrite, 1) === 0 && performance.now() - t0 < 10_000) await yieldToEventLoop();
    expect(table.version(0) & 1).toBe(1);
    const t1 = performance.now();
    const out = new Float64Array(6);
    const version = table.readRow(0, out);
    const waitedMs = performance.now() - t1;
    expect(Array.from(out)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(version).toBe(4);
    expect(waitedMs).toBeGreaterThan(40);
    expect(waitedMs).toBeLessThan(2000);
    expect((await writer.result).writes).toBe(1);
  });
});
