/**
 * docker-compose.yml and the Dockerfile: validated by the compose CLI where one is installed
 * (`docker compose` plugin, else the standalone `docker-compose`; no engine is needed for
 * `config`), and always checked for what the monitoring stack relies on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shardSymbols } from '../../src/cluster/shard-of.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { findTool } from './system-tools.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(resolve(ROOT, p), 'utf8');
const compose = parse(read('docker-compose.yml'));

/** The command that runs `compose ... config`, or null with the reason. */
function composeCli(): { cmd: string[] } | { missing: string } {
  const docker = findTool('docker');
  if (docker && spawnSync(docker, ['compose', 'version'], { encoding: 'utf8' }).status === 0)
    return { cmd: [docker, 'compose'] };
  const standalone = findTool('docker-compose');
  if (standalone) return { cmd: [standalone] };
  return {
    missing: docker
      ? `the docker client has no compose plugin (\`docker compose version\` fails) and docker-compose is absent`
      : 'neither docker (with the compose plugin) nor docker-compose is installed',
  };
}

describe('docker compose stack', () => {
  it('validates with `docker compose config`', (ctx) => {
    const cli = composeCli();
    if ('missing' in cli) {
      console.warn(`[compose.test] skipped: ${cli.missing}`);
      ctx.skip(cli.missing);
      return;
    }
    const [bin, ...pre] = cli.cmd;
    const r = spawnSync(bin, [...pre, '-f', resolve(ROOT, 'docker-compose.yml'), 'config', '-q'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(r.status, `${cli.cmd.join(' ')} config: ${r.stderr}`).toBe(0);
  });

  it('runs the daemon on 8080, Prometheus on 9090 and Grafana on 3000, and nothing unused', () => {
    const always = Object.keys(compose.services).filter((s) => compose.services[s].profiles === undefined);
    expect(always.sort()).toEqual(['grafana', 'hft-system', 'prometheus']);
    const ports = (s: string) => compose.services[s].ports as string[];
    expect(ports('hft-system')).toEqual(['127.0.0.1:8080:8080']);
    expect(ports('prometheus')).toEqual(['127.0.0.1:9090:9090']);
    expect(ports('grafana')).toEqual(['127.0.0.1:3000:3000']);
    expect(compose.services['hft-system'].build).toBe('.');
  });

  it('mounts files that exist, and Prometheus scrapes the daemon service', () => {
    for (const service of Object.values(compose.services) as { volumes?: string[] }[]) {
      for (const v of service.volumes ?? []) {
        const [source] = v.split(':');
        if (source.startsWith('.')) expect(existsSync(resolve(ROOT, source)), v).toBe(true);
      }
    }
    expect(compose.services.prometheus.volumes).toContain(
      './deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    const prom = parse(read('deploy/prometheus.yml'));
    expect(prom.scrape_configs[0].static_configs[0].targets).toEqual(['hft-system:8080']);
    expect(prom.scrape_configs[0].metrics_path).toBe('/metrics');
  });

  it('builds an image whose daemon listens on every interface at 8080 and reports its health', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health/);
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const src of m[1].split(' ')) expect(existsSync(resolve(ROOT, src)), `COPY ${src}`).toBe(true);
    // The image's --config file passes the daemon's own validation (unknown keys are errors).
    const cfg = resolveConfig(
      { config: 'deploy/hft-docker.yaml' },
      {},
      { configDir: resolve(ROOT, 'config'), cwd: ROOT },
    );
    expect(cfg.system.metrics_host).toBe('0.0.0.0');
    expect(cfg.system.metrics_port).toBe(8080);
    expect(dockerfile).toContain('"--config", "deploy/hft-docker.yaml"');
  });

  it('the cluster profile runs 3 NATS JetStream nodes and two daemons on shards 0/2 and 1/2 of them', () => {
    const cluster = Object.keys(compose.services).filter((s) =>
      (compose.services[s].profiles ?? []).includes('cluster'),
    );
    expect(cluster.sort()).toEqual(['hft-shard-0', 'hft-shard-1', 'nats-1', 'nats-2', 'nats-3']);
    const servers = 'nats://nats-1:4222,nats://nats-2:4222,nats://nats-3:4222';
    for (const [i, name] of ['hft-shard-0', 'hft-shard-1'].entries()) {
      const cmd = compose.services[name].command as string[];
      expect(cmd.slice(cmd.indexOf('--cluster'))).toEqual(['--cluster', servers, '--shard', `${i}/2`]);
      // Each shard gets symbols: with the fast mode's AAPL, MSFT, GOOGL alone shard 0 of 2 has none.
      const symbols = cmd[cmd.indexOf('--symbols') + 1].split(',');
      expect(shardSymbols(symbols, { index: i, count: 2 }).length).toBeGreaterThan(0);
    }
    for (const n of [1, 2, 3]) {
      const cmd = compose.services[`nats-${n}`].command as string[];
      expect(cmd).toContain('-js');
      const routes = cmd[cmd.indexOf('--routes') + 1].split(',');
      expect(routes.sort()).toEqual([1, 2, 3].filter((m) => m !== n).map((m) => `nats://nats-${m}:6222`));
    }
  });
});
