/** Worker shell: hosts the stages named in its HostSpec. All logic lives in src/pipeline and the stages. */
import { workerData } from 'node:worker_threads';
import { MonotonicClock } from '../core/clock.js';
import type { PipelineHandles } from '../pipeline/pipeline-handles.js';
import { runHost } from '../pipeline/run-host.js';

export interface StageHostWorkerData {
  handles: PipelineHandles;
  hostIndex: number;
}

const { handles, hostIndex } = workerData as StageHostWorkerData;
await runHost(handles, hostIndex, new MonotonicClock(handles.epochNs));
