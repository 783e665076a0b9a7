/**
 * Worker faults: each worker of the threaded pipeline is killed (terminated, as a crash) or made
 * to throw in turn during a run; the supervisor restarts it after reconciling what it held. The
 * journal must show no order lost (every approved order reaches an end) or duplicated (no id
 * approved twice, no fill applied twice, no order filled beyond its quantity), and positions must
 * equal the journal's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalReader } from '../../src/execution/journal-file.js';
import { replayJournal } from '../../src/execution/journal-replay.js';
import { JournalCodec, JournalKind } from '../../src/shm/records.js';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');

function run(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [HFT, ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** Every approval, fill and end in the journal, by client order id. */
function journalLedger(path: string) {
  const reader = new JournalReader(path);
  const r = JournalCodec.create();
  const approved = new Map<number, { qty: number; filled: number; ended: boolean }>();
  let approvedTwice = 0;
  const execIds = new Set<number>();
  let fillsTwice = 0;
  while (reader.next(r)) {
    if (r.kind === JournalKind.approved) {
      if (approved.has(r.clientOrderId)) approvedTwice++;
      approved.set(r.clientOrderId, { qty: r.qty, filled: 0, ended: false });
    } else if (r.kind === JournalKind.fill) {
      if (execIds.has(r.execId)) fillsTwice++;
      execIds.add(r.execId);
      const o = approved.get(r.clientOrderId);
      if (o) {
        o.filled += r.fillQty;
        if (r.leavesQty === 0) o.ended = true;
      }
    } else if (
      r.kind === JournalKind.cancel ||
      r.kind === JournalKind.expired ||
      r.kind === JournalKind.venueReject
    ) {
      const o = approved.get(r.clientOrderId);
      if (o) o.ended = true;
    }
  }
  reader.close();
  return { approved, approvedTwice, fillsTwice };
}

describe('worker faults', () => {
  it('restarts each worker in turn; the journal shows no order lost or duplicated', () => {
    const report = join(mkdtempSync(join(tmpdir(), 'hft-faults-')), 'run');
    const chaos = 'kill:ingest@2,throw:predict@3.5,kill:route@5,throw:risk@6.5,kill:execute@8';
    const r = run(
      [
        'run',
        '--mode',
        'fast',
        '--duration',
        '11',
        '--metrics-port',
        '0',
        '--skip-backtest',
        '--report',
        report,
      ],
      { HFT_CHAOS: chaos },
    );
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.reliability.worker_restarts).toBe(5);
    expect(summary.reliability.worker_faults.map((f: { host: string }) => f.host)).toEqual([
      'ingest',
      'predict',
      'route',
      'risk',
      'execute',
    ]);
    expect(summary.reliability.worker_faults[1].error).toMatch(/injected fault/);
    // Trading went on after the last restart.
    expect(summary.orders.sent).toBeGreaterThan(200);

    const journal = join(report, 'journal.hftj');
    const { approved, approvedTwice, fillsTwice } = journalLedger(journal);
    expect(approved.size).toBeGreaterThan(200);
    expect(approvedTwice).toBe(0);
    expect(fillsTwice).toBe(0);
    const overfilled = [...approved.entries()].filter(([, o]) => o.filled > o.qty);
    expect(overfilled).toEqual([]);
    // The shutdown cancelled whatever was still working: every order reached an end.
    const open = [...approved.entries()].filter(([, o]) => !o.ended).map(([id]) => id);
    expect(open).toEqual([]);
    expect(summary.shutdown.open_orders_left).toBe(0);

    const replay = replayJournal(journal);
    expect(replay.duplicateFills).toBe(0);
    expect(replay.openOrders).toEqual([]);
    for (const p of replay.positions) expect(summary.positions[p.symbol], p.symbol).toBe(p.qty);
  }, 150_000);

  it('a worker that keeps failing past max_worker_restarts stops the run with exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-faults-'));
    const config = join(dir, 'limit.yaml');
    writeFileSync(config, 'system:\n  max_worker_restarts: 1\n');
    const r = run(
      [
        'run',
        '--mode',
        'fast',
        '--duration',
        '20',
        '--metrics-port',
        '0',
        '--skip-backtest',
        '--config',
        config,
        '--report',
        join(dir, 'run'),
      ],
      { HFT_CHAOS: 'kill:risk@1.5,kill:risk@3' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/a pipeline worker failed/);
    const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8'));
    expect(summary.reliability.worker_restarts).toBe(1);
    expect(summary.duration_s).toBeLessThan(10);
  }, 120_000);

  it('refuses a malformed HFT_CHAOS with exit 2', () => {
    const r = run(['run', '--mode', 'fast', '--duration', '1', '--metrics-port', '0'], {
      HFT_CHAOS: 'explode:risk',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^hft: config HFT_CHAOS: expected kill\|throw/);
  });
});
