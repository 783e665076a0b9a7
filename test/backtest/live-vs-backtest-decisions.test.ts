/**
 * Acceptance (issue 12): the same policy and forecaster in a backtest of a recording give the
 * same decisions as live. A 20 s `hft run --mode fast --router dqn` records its ticks and the
 * policy's inputs (record.hftpol); the backtest phase replays them and compares, per tick that
 * caused orders, the venues and sizes the live run sent with the backtest's. Measured on this
 * 2-vCPU VM: 893/893, 885/885 and 871/871 (beside two CPU burners) ticks alike.
 *
 * The bound is 99.5%, not 100%: the venue state the route stage re-checks is live's as of the
 * policy's last refresh before the tick, while live read it when the order was routed; a venue
 * going out in between (one or two flips per run, a window of ~0.3 ms) moves that order's child
 * elsewhere in one run only. A log ring overflowing (main stalled for seconds) would also cost
 * exactness (docs/backtesting.md, "Live vs backtest").
 *
 * The same recording without its policy log is backtested too, for the figure the replay
 * replaces (the policy deciding on the backtest's simulated forecasts, fills and refresh
 * instants: 0.89-0.92 of ticks alike).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');

function hft(args: string[]) {
  const r = spawnSync(process.execPath, [HFT, ...args], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
}

const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

it('a dqn run and its backtest route >= 99.5% of the ticks that caused orders alike', () => {
  const root = mkdtempSync(join(tmpdir(), 'hft-decisions-'));
  const report = join(root, 'run');
  hft([
    'run',
    '--mode',
    'fast',
    '--router',
    'dqn',
    '--duration',
    '20',
    '--metrics-port',
    '0',
    '--report',
    report,
  ]);
  const live = summaryOf(report);
  const bt = live.backtest;
  expect(bt.models.policy_inputs).toMatch(/^recorded \(\d+ refreshes\)$/);
  const d = bt.decisions;
  const detail = JSON.stringify({ decisions: d, live_orders: live.orders, backtest_orders: bt.orders });
  expect(d.compared, detail).toBeGreaterThan(0.9 * live.orders.sent);
  expect(d.same + d.differ, detail).toBe(d.compared);

  const bare = join(root, 'bare');
  mkdirSync(bare);
  copyFileSync(join(report, 'record.hftrec'), join(bare, 'record.hftrec'));
  hft([
    'backtest',
    '--mode',
    'fast',
    '--router',
    'dqn',
    '--data',
    join(bare, 'record.hftrec'),
    '--report',
    bare,
  ]);
  const simulated = summaryOf(bare).backtest;
  expect(simulated.models.policy_inputs).toBe('simulated');
  console.log(
    `live vs backtest decisions: replayed ${d.same}/${d.compared} alike (${d.share_same}), ` +
      `simulated inputs ${simulated.decisions.same}/${simulated.decisions.compared} (${simulated.decisions.share_same})`,
  );
  expect(d.share_same, detail).toBeGreaterThanOrEqual(0.995);
}, 180_000);
