/** `hft cluster status --cluster URLS [--json]`: the cluster's shards, leases, budget and halt (docs/cluster.md). */
import { connectCluster, parseServers } from '../cluster/cluster-client.js';
import { clusterStatus, statusLines } from '../cluster/cluster-status.js';
import { ConfigError, UsageError } from '../core/errors.js';

export async function runClusterCommand(
  action: string,
  opts: { cluster?: string; json?: boolean },
  out: (line: string) => void,
): Promise<void> {
  if (action !== 'status') throw new UsageError(`hft cluster: unknown action "${action}" (status)`);
  const servers = parseServers(opts.cluster ?? '');
  if (servers.length === 0)
    throw new ConfigError('--cluster', 'give the cluster as comma-separated nats:// URLs');
  const c = await connectCluster(servers, { name: 'hft cluster status' });
  try {
    const status = await clusterStatus(c, servers);
    if (opts.json) out(JSON.stringify(status, null, 2));
    else for (const line of statusLines(status)) out(line);
  } finally {
    await c.close();
  }
}
