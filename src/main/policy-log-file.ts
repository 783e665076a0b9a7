/** record.hftpol beside record.hftrec when a trained policy routes a recorded run (policy-input-log.ts). */

import { findPolicyDir } from '../ml/rl/policy-store.js';
import { isPolicyRouterName } from '../routing/create-policy-router.js';
import { PolicyLogWriter, policyLogPathFor } from '../routing/policy-input-log.js';
import type { Daemon } from './daemon-build.js';

/** The policy's input log, or null when the run does not record or no trained policy routes it. */
export function openPolicyLog(d: Daemon): PolicyLogWriter | null {
  const router = d.cfg.routing.router;
  if (d.recordingWriter === null || d.handles.routes === null || !isPolicyRouterName(router)) return null;
  const maxMb = d.cfg.system.record_max_mb;
  return new PolicyLogWriter(
    policyLogPathFor(d.recordingWriter.path),
    d.handles.routes.log,
    {
      router,
      policy: findPolicyDir(router, d.registry.venues) ?? '',
      registry: d.registry.toData(),
    },
    maxMb > 0 ? maxMb * 1024 * 1024 : Number.POSITIVE_INFINITY,
  );
}
