/**
 * Fuzzing the daemon's HTTP server (src/main/http-server.ts) with random methods, paths, headers
 * and bodies, and with bytes that are not HTTP at all: every request gets a 2xx or 4xx answer
 * (405 for a wrong method on a known path), the control endpoints act only for the right bearer
 * token, and the server keeps answering afterwards.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/main/http-server.js';
import { stubHttpDeps } from '../http-stub-deps.js';

const TOKEN = 'fuzz-admin-token';
let port = 0;
let close: () => Promise<void> = async () => {};
let calls = { kill: 0, resume: 0 };

beforeAll(async () => {
  const stub = stubHttpDeps(TOKEN);
  calls = stub.calls;
  const server = await startHttpServer('127.0.0.1', 0, stub.deps);
  port = (server.server.address() as { port: number }).port;
  close = async () => server.close();
});
afterAll(() => close());

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function send(r: Req): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: r.method,
        path: r.path,
        headers: r.headers,
        timeout: 10_000,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${r.method} ${r.path}`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

const token = fc.constantFrom(
  TOKEN,
  `${TOKEN}x`,
  TOKEN.slice(1),
  '',
  'null',
  TOKEN.toUpperCase(),
  `${TOKEN} `,
);
const req: fc.Arbitrary<Req> = fc.record({
  method: fc.oneof(
    { weight: 3, arbitrary: fc.constant('POST') },
    {
      weight: 3,
      arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'PROPFIND', 'TRACE'),
    },
  ),
  path: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('/kill', '/resume') },
    fc.constantFrom(
      '/',
      '/metrics',
      '/health',
      '/kill',
      '/resume',
      '/kill?x=1',
      '//kill',
      '/KILL',
      '/kill/',
      '/%6bill',
      '/../kill',
      '/health#x',
    ),
    fc.webPath().map((p) => `/${p.replace(/^\/+/, '')}`),
    fc.string({ maxLength: 60 }).map((s) => `/${encodeURIComponent(s)}`),
    fc.constant(`/${'a'.repeat(6000)}`),
  ),
  headers: fc.record(
    {
      authorization: fc.oneof(
        token.map((t) => `Bearer ${t}`),
        token.map((t) => `bearer ${t}`),
        token.map((t) => `Basic ${t}`),
        fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e ]/g, '')),
      ),
      'content-type': fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x'),
      'x-forwarded-for': fc.constantFrom('127.0.0.1', '10.0.0.1'),
    },
    { requiredKeys: [] },
  ),
  body: fc.oneof(fc.constant(''), fc.string({ maxLength: 200 }), fc.json()),
});

// HTTP drops the whitespace around a header value (RFC 9110 5.5): "Bearer <token> " is the token.
const authorized = (r: Req) => r.headers.authorization?.trim() === `Bearer ${TOKEN}`;
const route = (r: Req) =>
  r.path.split('?')[0] === '/kill' ? 'kill' : r.path.split('?')[0] === '/resume' ? 'resume' : null;

describe('HTTP fuzzing', () => {
  // One connection per request (agent: false): Node's client sends a DELETE, OPTIONS or TRACE
  // body unframed, which the server rightly reads as a bad next request on that connection.
  it('answers every random request with 2xx/4xx, and acts on /kill and /resume only with the token', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(req, async (r) => {
        const before = { ...calls };
        const status = await send(r);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status >= 200 && status < 500, `${r.method} ${r.path.slice(0, 40)} -> ${status}`).toBe(true);
        const target = r.method === 'POST' ? route(r) : null;
        const acted = target !== null && authorized(r);
        expect(calls.kill - before.kill).toBe(acted && target === 'kill' ? 1 : 0);
        expect(calls.resume - before.resume).toBe(acted && target === 'resume' ? 1 : 0);
        if (target !== null) expect(status).toBe(acted ? 200 : 401);
      }),
      { numRuns: 400 },
    );
    console.log(`http fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(await send({ method: 'GET', path: '/health', headers: {}, body: '' })).toBe(200);
  });

  it('bytes that are not HTTP get a 400 or a closed socket, and the server keeps serving', async () => {
    const junk = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.string().map((s) => Buffer.from(`${s}\r\n\r\n`)),
      ),
      {
        numRuns: 60,
        seed: 7,
      },
    );
    for (const bytes of junk) {
      const answer = await new Promise<string>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => sock.end(bytes));
        let got = '';
        sock.on('data', (d) => {
          got += d;
        });
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
        sock.setTimeout(10_000, () => sock.destroy());
      });
      if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 (4\d\d|200)/);
    }
    expect(await send({ method: 'GET', path: '/health', headers: {}, body: '' })).toBe(200);
    expect(await send({ method: 'GET', path: '/metrics', headers: {}, body: '' })).toBe(200);
  });
});
