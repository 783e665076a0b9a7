/**
 * A number per daemon run, unique across the cluster, claimed by compare-and-set on one key. A
 * run's client order ids start at its number times 2^32, so two runs never use one id: a daemon
 * that adopts another shard's open orders keeps them apart from its own.
 */
import type { KV } from '@nats-io/kv';

const RUNS_KEY = 'runs';
const ATTEMPTS = 64;
/** Ids per run: far more orders than a run sends; 2^53 / 2^32 leaves 2M runs. */
export const IDS_PER_RUN = 2 ** 32;

export async function claimRunNumber(kv: KV): Promise<number> {
  let failure: unknown = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const e = await kv.get(RUNS_KEY);
      const last = e !== null && e.operation === 'PUT' ? Number(e.string()) : 0;
      if (e === null || e.operation !== 'PUT') await kv.create(RUNS_KEY, '1');
      else await kv.update(RUNS_KEY, String(last + 1), e.revision);
      return last + 1;
    } catch (err) {
      // Another daemon claimed one first, or the cluster did not answer (busy, electing): again.
      failure = err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
    }
  }
  throw new Error(
    `cluster: could not claim a run number in ${ATTEMPTS} attempts: ${(failure as Error)?.message}`,
  );
}
