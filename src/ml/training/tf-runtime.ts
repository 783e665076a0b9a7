/**
 * tfjs for training, on the wasm backend (its .wasm binaries ship inside the npm package, so it
 * works offline; ~3x faster than tfjs's CPU backend here). Falls back to the CPU backend, and says
 * so, if the wasm backend cannot start. Loaded lazily: only training and tests import tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type Tf = typeof tf;

export interface TfRuntime {
  readonly tf: Tf;
  /** 'wasm' or 'cpu'. */
  readonly backend: string;
  /** Why the wasm backend was not used (null when it was). */
  readonly fallbackReason: string | null;
}

let ready: Promise<TfRuntime> | null = null;

export function loadTf(): Promise<TfRuntime> {
  ready ??= init();
  return ready;
}

async function init(): Promise<TfRuntime> {
  let fallbackReason: string | null = null;
  try {
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return { tf, backend: tf.getBackend(), fallbackReason };
    }
    fallbackReason = 'tf.setBackend("wasm") returned false';
  } catch (err) {
    fallbackReason = (err as Error).message;
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: tf.getBackend(), fallbackReason };
}
