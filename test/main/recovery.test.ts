import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');

interface Field {
  name: string;
  type: 'f64' | 'i32';
  offset: number;
}

/**
 * An independent reader of the journal, written from the format's description (header line, then
 * fixed records laid out as the header says), so the daemon's own replay code is not trusted.
 */
function independentReplay(path: string) {
  const bytes = readFileSync(path);
  const nl = bytes.indexOf(10);
  const header = JSON.parse(
    bytes
      .subarray(0, nl)
      .toString('utf8')
      .replace(/^HFTJOURNAL /, ''),
  );
  const fields: Field[] = header.layout;
  const size = Math.ceil(Math.max(...fields.map((f) => f.offset + (f.type === 'f64' ? 8 : 4))) / 8) * 8;
  const body = bytes.subarray(nl + 1);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const qty = new Map<string, number>();
  const open = new Map<number, { qty: number; filled: number }>();
  const execIds = new Set<number>();
  let fills = 0;
  let duplicates = 0;
  const records = Math.floor(body.length / size);
  for (let i = 0; i < records; i++) {
    const r: Record<string, number> = {};
    for (const f of fields) {
      const at = i * size + f.offset;
      r[f.name] = f.type === 'f64' ? view.getFloat64(at, true) : view.getInt32(at, true);
    }
    if (r.kind === 1) open.set(r.clientOrderId, { qty: r.qty, filled: 0 });
    if (r.kind === 4) {
      if (execIds.has(r.execId)) {
        duplicates++;
        continue;
      }
      execIds.add(r.execId);
      fills++;
      const sym = header.registry.symbols[r.symbolId];
      qty.set(sym, (qty.get(sym) ?? 0) + r.side * r.fillQty);
      const o = open.get(r.clientOrderId);
      if (o) {
        o.filled += r.fillQty;
        if (o.filled >= o.qty) open.delete(r.clientOrderId);
      }
    }
    if (r.kind === 5 || r.kind === 6 || r.kind === 7) open.delete(r.clientOrderId);
  }
  return {
    qty,
    openIds: [...open.keys()].sort((a, b) => a - b),
    fills,
    duplicates,
    records,
    tail: body.length % size,
  };
}

describe('crash and recovery from the journal', () => {
  it('kill -9 mid-run, then --recover rebuilds exactly the positions and open orders the journal holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-crash-'));
    const journal = join(dir, 'journal.hftj');
    const child = spawn(
      process.execPath,
      [
        HFT,
        'run',
        '--mode',
        'fast',
        '--duration',
        '60',
        '--rate',
        '20000',
        '--metrics-port',
        '0',
        '--report',
        dir,
        '--log-level',
        'quiet',
      ],
      {
        env: { PATH: process.env.PATH },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      try {
        if (statSync(journal).size > 60_000) break;
      } catch {}
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const truth = independentReplay(journal);
    expect(truth.fills).toBeGreaterThan(50);
    expect(truth.duplicates).toBe(0);

    const dir2 = mkdtempSync(join(tmpdir(), 'hft-recover-'));
    const r = spawnSync(
      process.execPath,
      [
        HFT,
        'run',
        '--mode',
        'fast',
        '--duration',
        '1',
        '--metrics-port',
        '0',
        '--report',
        dir2,
        '--log-level',
        'quiet',
        '--recover',
        journal,
      ],
      {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir2, 'summary.json'), 'utf8'));
    const rec = summary.recovery;
    expect(rec.fillsApplied).toBe(truth.fills);
    expect(rec.duplicateFills).toBe(0);
    expect(rec.records).toBe(truth.records);
    expect(rec.truncatedBytes).toBe(truth.tail);
    for (const p of rec.positions) expect(p.qty, p.symbol).toBe(truth.qty.get(p.symbol) ?? 0);
    expect(rec.openOrders.map((o: { clientOrderId: number }) => o.clientOrderId)).toEqual(truth.openIds);
    // The recovered run continued from those positions: its final positions differ from the
    // recovered ones only by its own fills, and its orders ids continue above the journal's.
    const ownJournal = independentReplay(join(dir2, 'journal.hftj'));
    for (const p of rec.positions) {
      expect(summary.positions[p.symbol], p.symbol).toBe(p.qty + (ownJournal.qty.get(p.symbol) ?? 0));
    }
    expect(rec.maxClientOrderId).toBeGreaterThan(0);
  });
});
