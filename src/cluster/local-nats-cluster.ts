/**
 * A NATS JetStream cluster of `nats-server` processes on 127.0.0.1 (the Debian package), each
 * with its own store directory: what the cluster tests, the cluster bench and a one-machine demo
 * run against. Free ports are taken from the kernel; `stop(i)` kills one node (SIGKILL) and
 * `restart(i)` brings it back on the same ports and store.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster } from './cluster-client.js';

export interface LocalNatsNode {
  readonly name: string;
  readonly clientPort: number;
  readonly routePort: number;
  readonly storeDir: string;
  process: ChildProcess | null;
}

const READY_TIMEOUT_MS = 15_000;
const FORM_TIMEOUT_MS = 50_000;

/** The nats-server binary, or null when it is not installed (`apt-get install nats-server`). */
export function natsServerBinary(): string | null {
  for (const bin of [process.env.NATS_SERVER, 'nats-server', '/usr/sbin/nats-server'])
    if (bin && spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0) return bin;
  return null;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export class LocalNatsCluster {
  /** Unique per cluster: two local clusters (two test files at once) never take each other's routes. */
  readonly name = `hft-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private constructor(
    readonly nodes: LocalNatsNode[],
    private readonly binary: string,
    private readonly rootDir: string,
  ) {}

  /** Starts `size` JetStream nodes routed to each other and waits until each accepts clients. */
  static async start(size = 3): Promise<LocalNatsCluster> {
    const binary = natsServerBinary();
    if (binary === null) throw new Error('nats-server not found: apt-get install nats-server');
    const rootDir = mkdtempSync(join(tmpdir(), 'hft-nats-'));
    const nodes: LocalNatsNode[] = [];
    for (let i = 0; i < size; i++)
      nodes.push({
        name: `n${i}`,
        clientPort: await freePort(),
        routePort: await freePort(),
        storeDir: join(rootDir, `n${i}`),
        process: null,
      });
    const cluster = new LocalNatsCluster(nodes, binary, rootDir);
    // A test or bench that ends without close() (a failure, an exit) must not leave servers behind.
    process.once('exit', () => cluster.close());
    await Promise.all(nodes.map((_, i) => cluster.restart(i)));
    await cluster.waitUntilFormed();
    return cluster;
  }

  /**
   * Waits until JetStream can place a stream on every node: the nodes accept clients at once, but
   * the meta group learns its peers over seconds (tens on a loaded 2-core machine), and until then
   * every replicated bucket or stream is refused "no suitable peers for placement".
   */
  private async waitUntilFormed(): Promise<void> {
    const c = await connectCluster(this.servers, { name: 'local-cluster-probe' });
    try {
      const deadline = Date.now() + FORM_TIMEOUT_MS;
      for (let i = 0; ; i++) {
        try {
          await c.jsm.streams.add({
            name: `PROBE_${i}`,
            subjects: [`probe.${i}`],
            num_replicas: this.nodes.length,
          });
          await c.jsm.streams.delete(`PROBE_${i}`);
          return;
        } catch (err) {
          if (Date.now() > deadline)
            throw new Error(`nats cluster not formed in ${FORM_TIMEOUT_MS} ms: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      await c.close();
    }
  }

  /** Client URLs of the running nodes, for `servers`. */
  get servers(): string[] {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.clientPort}`);
  }

  /** Kills node `i` at once (SIGKILL): a machine lost. */
  stop(i: number): void {
    this.nodes[i].process?.kill('SIGKILL');
    this.nodes[i].process = null;
  }

  /** (Re)starts node `i` on its ports and store, and waits until it accepts clients. */
  async restart(i: number): Promise<void> {
    const n = this.nodes[i];
    const routes = this.nodes
      .filter((o) => o !== n)
      .map((o) => `nats://127.0.0.1:${o.routePort}`)
      .join(',');
    const args = [
      ...['-a', '127.0.0.1', '-p', String(n.clientPort), '-n', n.name, '-js', '-sd', n.storeDir],
      ...['--cluster_name', this.name, '--cluster', `nats://127.0.0.1:${n.routePort}`, '--routes', routes],
    ];
    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    n.process = child;
    await waitForReady(child, n.name);
  }

  /** Kills every node and removes their stores. */
  close(): void {
    for (let i = 0; i < this.nodes.length; i++) this.stop(i);
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}

/** Resolves once the server logs that it is ready for client connections. */
async function waitForReady(child: ChildProcess, name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => reject(new Error(`nats-server ${name} not ready in ${READY_TIMEOUT_MS} ms: ${log.slice(-400)}`)),
      READY_TIMEOUT_MS,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server ${name} exited ${code}: ${log.slice(-400)}`));
    });
  });
}
