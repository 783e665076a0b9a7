/**
 * tfjs on its wasm backend (DESIGN.md section 5: offline-installable, ~4x tfjs's CPU backend
 * here). Every trainer and rollout worker goes through `loadTf` so the backend is set once.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<typeof tf> | null = null;

export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return ready;
}

export type Tf = typeof tf;
