/** The dependencies of startHttpServer for tests: a healthy report and controls that only count calls. */
import { Registry as PromRegistry } from 'prom-client';
import type { HttpDeps } from '../src/main/http-server.js';

export function stubHttpDeps(adminToken: string | null) {
  const calls = { kill: 0, resume: 0 };
  const deps: HttpDeps = {
    prom: new PromRegistry(),
    health: () => ({
      ok: true,
      body: {
        status: 'ok',
        uptime_s: 1,
        halted: false,
        trading_state: 'active',
        breakers: {},
        venues: {},
        workers: [],
        problems: [],
      },
    }),
    kill: () => {
      calls.kill++;
    },
    resume: () => {
      calls.resume++;
      return [];
    },
    adminToken,
  };
  return { deps, calls };
}
