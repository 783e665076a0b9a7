/**
 * The cluster's kill switch: one KV key every daemon watches. Setting it (with a reason) halts
 * every daemon's trading through its own kill switch; clearing it lets them resume. A watcher
 * that starts after the halt was set sees it at once (the watch delivers the last value first).
 */
import type { KV } from '@nats-io/kv';

export const CONTROL_BUCKET = 'hft-control';
const HALT_KEY = 'halt';

export interface HaltState {
  readonly halted: boolean;
  readonly reason: string;
}

export async function setHalt(kv: KV, reason: string): Promise<void> {
  await kv.put(HALT_KEY, JSON.stringify({ halted: true, reason } satisfies HaltState));
}

export async function clearHalt(kv: KV): Promise<void> {
  await kv.put(HALT_KEY, JSON.stringify({ halted: false, reason: '' } satisfies HaltState));
}

export async function readHalt(kv: KV): Promise<HaltState> {
  const e = await kv.get(HALT_KEY);
  return e === null || e.operation !== 'PUT'
    ? { halted: false, reason: '' }
    : (JSON.parse(e.string()) as HaltState);
}

/**
 * Calls `onChange` with every halt state from now on (the current one first) and how long after
 * it was written it arrived (ms, by the server's stamp; same host clock on one machine); returns a
 * stop function.
 */
export async function watchHalt(
  kv: KV,
  onChange: (state: HaltState, seenAfterMs: number) => void,
): Promise<() => void> {
  const watch = await kv.watch({ key: HALT_KEY });
  void (async () => {
    for await (const e of watch) {
      const seenAfterMs = Date.now() - e.created.getTime();
      if (e.operation === 'PUT') onChange(JSON.parse(e.string()) as HaltState, seenAfterMs);
      else onChange({ halted: false, reason: '' }, seenAfterMs);
    }
  })();
  return () => watch.stop();
}
