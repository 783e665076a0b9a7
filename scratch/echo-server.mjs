import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2]) });
wss.on('connection', (ws) => ws.on('message', (d) => ws.send(d.toString())));
if (process.argv[3] === 'busy') { const loop = () => setImmediate(loop); loop(); }
