import { WebSocket } from 'ws';
const ws = new WebSocket('ws://127.0.0.1:' + process.argv[2]);
const busy = process.argv[3] === 'busy';
const rtts = []; let t0 = 0;
const msg = JSON.stringify({ t: 'o', id: 12345, s: 'AAPL', sd: 1, q: 100, px: 10.05, ty: 1, mts: 123456789.123 });
const send = () => { t0 = performance.now(); ws.send(msg); };
ws.on('open', () => { if (busy) { const loop = () => setImmediate(loop); loop(); } setTimeout(send, 100); });
ws.on('message', () => { rtts.push((performance.now() - t0) * 1e3); if (rtts.length === 400) { rtts.sort((a, b) => a - b); console.log('echo RTT p50', rtts[200].toFixed(0), 'p90', rtts[360].toFixed(0)); process.exit(0); } setTimeout(send, 3); });
