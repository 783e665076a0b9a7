import { describe, expect, it } from 'vitest';
import { serverProblem } from '../../src/cluster/cluster-client.js';

describe('nats-server versions the cluster accepts', () => {
  it('refuses the versions whose clustered compare-and-set can let two writers both succeed', () => {
    for (const v of ['2.9.10', '2.9.20', '2.8.4']) expect(serverProblem(v)).toMatch(/nats-server#4320/);
    for (const v of ['2.9.21', '2.10.27', '2.11.0', '3.0.0']) expect(serverProblem(v)).toBeNull();
  });
});
