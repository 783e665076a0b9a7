// Cross-process accuracy probe: hft venues runs in another process; this client is a gateway
// that busy-polls its event loop with setImmediate (as the execute worker does).
import { MonotonicClock } from '../dist/src/core/clock.js';
import { Registry } from '../dist/src/core/registry.js';
import { WsVenueGateway } from '../dist/src/execution/ws-venue-gateway.js';
import { ExecKind, ExecReportCodec, OrderCodec, LatencySampleCodec } from '../dist/src/shm/records.js';
const base = process.argv[2]; const names = ['NYSE-SIM', 'NASDAQ-SIM', 'BATS-SIM'];
const spin = process.argv[3] !== 'idle';
const clock = new MonotonicClock(process.hrtime.bigint());
const registry = new Registry({ symbols: ['AAPL', 'MSFT', 'GOOGL'], venues: names });
const gw = new WsVenueGateway({ urls: names.map((n) => `${base}/${n}`), registry, clock, wake() {}, pingIntervalMs: 5, sampleQueueCapacity: 8192 });
gw.start();
let stop = false;
if (spin) { const loop = () => { if (!stop) setImmediate(loop); }; loop(); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (!names.every((_, v) => gw.connected(v))) await sleep(10);
await sleep(500);
const res = names.map(() => ({ ack: [], inb: [], outb: [] }));
let id = 1;
for (let i = 0; i < 60; i++) for (let v = 0; v < 3; v++) {
  const o = Object.assign(OrderCodec.create(), { clientOrderId: id++, symbolId: 0, venueId: v, side: 1, qty: 1, limitPx: 1, type: 1 });
  gw.submit(o, clock.nowNs());
  let got = false;
  while (!got) {
    await new Promise((r) => setImmediate(r));
    const r = ExecReportCodec.create();
    while (gw.nextReport(clock.nowNs(), r)) if (r.kind === ExecKind.ack || r.kind === ExecKind.reject || r.kind === ExecKind.expired || r.kind === ExecKind.cancelled || r.kind === ExecKind.fill) {
      if (r.clientOrderId !== o.clientOrderId) continue;
      got = true; res[v].ack.push((r.recvTsNs - r.sentTsNs) / 1e3); res[v].inb.push((r.venueTsNs - r.sentTsNs) / 1e3); res[v].outb.push((r.recvTsNs - r.venueTsNs) / 1e3);
    }
  }
  await sleep(2);
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1].toFixed(0); };
const s = LatencySampleCodec.create(); const ping = names.map(() => []);
while (gw.nextLatencySample(s)) ping[s.venueId].push(s.latencyNs / 1e3);
names.forEach((n, v) => console.log(n, 'ack med', med(res[v].ack), 'sent->venue stamp', med(res[v].inb), 'venue stamp->recv', med(res[v].outb), 'ping med', med(ping[v]), 'first kind', res[v].ack.length));
stop = true; gw.close(); process.exit(0);
