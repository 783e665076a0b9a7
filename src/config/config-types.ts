/** The validated, fully resolved configuration every part of the daemon reads. */
import { LOG_LEVELS, type LogLevel } from '../core/logger.js';
import { WAIT_STRATEGIES, type WaitStrategyName } from '../shm/wait-strategy.js';

export { LOG_LEVELS, type LogLevel, WAIT_STRATEGIES, type WaitStrategyName };
export const MODES = ['fast', 'balanced', 'production'] as const;
export const PIPELINES = ['threads', 'fused', 'inline'] as const;
/** Worker threads of the three topologies (src/pipeline/topology.ts). */
/** The pipeline's stages, in order along the data flow (docs/architecture.md "The pipeline"). */
export const STAGES = ['ingest', 'predict', 'route', 'risk', 'execute'] as const;
export type StageName = (typeof STAGES)[number];
export const HOST_NAMES = [...STAGES, 'fused', 'inline'] as const;
/** Routers served from a trained policy (ONNX, onnxruntime-node). */
export const POLICY_ROUTERS = ['dqn', 'ppo'] as const;
/** Fixed-rule routers: synchronous, no model. */
export const FIXED_ROUTERS = [
  'round-robin',
  'best-price',
  'lowest-latency',
  'predicted-latency',
  'latency-adjusted',
] as const;
export const ROUTERS = [...POLICY_ROUTERS, ...FIXED_ROUTERS] as const;

export type Mode = (typeof MODES)[number];
export type PipelineTopology = (typeof PIPELINES)[number];
export type RouterName = (typeof ROUTERS)[number];
export type PolicyRouterName = (typeof POLICY_ROUTERS)[number];
export type FixedRouterName = (typeof FIXED_ROUTERS)[number];

export interface VenueLatencyConfig {
  /** Median one-way-and-back order latency in microseconds. */
  base_us: number;
  /** Log-normal sigma of the jitter around the base. */
  jitter_sigma: number;
  /** Probability that one order meets a spike. */
  spike_prob: number;
  /** Extra latency of a spike, microseconds. */
  spike_us: number;
  /** Stretches during which spikes are much more likely (spikes cluster in time). */
  bursts?: {
    /** Bursts per minute (Poisson on the simulated clock). */
    per_min: number;
    /** Mean burst length, milliseconds (exponential). */
    mean_ms: number;
    /** Spike probability per order inside a burst. */
    spike_prob: number;
  };
  /** Congestion regimes: the venue switches between normal (base_us, jitter_sigma) and congested. */
  regimes?: {
    /** Median round trip while congested, microseconds. */
    congested_base_us: number;
    /** Log-normal sigma while congested. */
    congested_sigma: number;
    /** Rate of normal -> congested switches while normal, per second. */
    enter_per_s: number;
    /** Rate of congested -> normal switches while congested, per second. */
    exit_per_s: number;
    /** `enter_per_s` is multiplied by this while the market is volatile (1 or absent: no coupling). */
    volatile_x?: number;
  };
  /** Load dependence: latency x (our order rate / ref_orders_per_s)^slope above the reference rate. */
  load?: {
    ref_orders_per_s: number;
    slope: number;
    /** Time constant of the order-rate estimate, milliseconds (default 1000). */
    window_ms?: number;
  };
  /** Rare outages: the venue stops answering; orders sent then get a 30 s round trip. */
  outage?: {
    /** Outages per hour (Poisson on the simulated clock). */
    per_hour: number;
    /** Mean outage length, milliseconds (exponential). */
    mean_ms: number;
    /** `per_hour` is multiplied by this while the market is volatile (1 or absent: no coupling). */
    volatile_x?: number;
  };
}

export interface VenueConfig {
  name: string;
  fee_bps: number;
  /** Quoted spread around the venue's mid, basis points. */
  spread_bps: number;
  /** Shares shown at the top of book on each side (mean). */
  depth: number;
  /** Standard deviation of the venue's mid around the efficient price, basis points. */
  noise_bps: number;
  /** How far the venue's mid trails the efficient price, milliseconds (0 or absent: it leads). */
  lag_ms?: number;
  latency: VenueLatencyConfig;
}

export interface HftConfig {
  trading: {
    symbols: string[];
    /** Max absolute position per symbol, shares. */
    max_position_size: number;
    /** Max gross portfolio notional, USD. */
    max_portfolio_value: number;
    /** Max shares in one order. */
    max_order_size: number;
    /** Shares the strategy sends per order. */
    order_size: number;
    strategy: StrategyConfig;
  };
  system: {
    mode: Mode;
    log_level: LogLevel;
    duration_s: number;
    pipeline: PipelineTopology;
    wait_strategy: WaitStrategyName;
    spin_ns: number;
    /**
     * The one worker that busy-spins on a core of its own whatever `wait_strategy` says
     * (default: execute, the last hop to the venue); null: every worker parks when idle.
     */
    busy_spin_host: (typeof HOST_NAMES)[number] | null;
    /**
     * Route and predict run a throw-away ONNX inference when none ran for this long, so the next
     * real one finds onnxruntime in cache (0: off).
     */
    inference_warm_us: number;
    metrics_port: number;
    metrics_host: string;
    heartbeat_timeout_ms: number;
    progress_interval_s: number;
    /** null: reports/<utc-stamp>/ */
    report_dir: string | null;
    skip_backtest: boolean;
    /** Record the run's ticks and latency samples into record.hftrec (the backtest phase's input). */
    record: boolean;
    /** The recording stops growing at this size (whole frames; 0: no limit). */
    record_max_mb: number;
    /** At the end of a run: cancel open orders and wait for the venues' answers, or leave them to the journal. */
    on_shutdown: 'cancel' | 'leave';
    /** Longest wait for the cancels' answers, milliseconds. */
    shutdown_timeout_ms: number;
    /** Restarts allowed per worker before a fault stops the run. */
    max_worker_restarts: number;
  };
  market: {
    /** sim | replay:FILE | finnhub | venues:URL */
    source: string;
    /** Simulated ticks per second across all symbols and venues; 0 = as fast as it goes. */
    rate: number;
    /** Replay speed for `replay:FILE`: 1 = as recorded, 10 = ten times faster, 0 = as fast as it goes. */
    replay_speed: number;
    /**
     * `venues:URL`: how often each venue is pinged to measure its round trip, ms (0: no probes, only
     * order->ack samples). Frequent probes also keep the socket path warm (docs/market-data.md).
     */
    probe_interval_ms: number;
    seed: number;
    venues: VenueConfig[];
  };
  routing: { router: RouterName };
  risk: RiskConfig;
  backtest: BacktestConfig;
  cluster: ClusterConfig;
  /** From the environment or .env only, never from YAML; never logged. */
  secrets: { finnhub_api_key: string | null; finnhub_ws_url: string; admin_token: string | null };
}

export const STRATEGIES = ['momentum', 'mean-reversion', 'arbitrage', 'market-making'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export interface StrategyConfig {
  name: StrategyName;
  /** momentum / mean-reversion: fast-vs-slow mid gap that triggers; arbitrage: edge after fees. */
  threshold_bps: number;
  /** Minimum gap between two decisions on one symbol. */
  cooldown_ms: number;
  /** market-making: quoted half spread around the mid. */
  half_spread_bps: number;
  /** market-making: quotes shift against inventory by this much per order_size held. */
  skew_bps: number;
  /** market-making: how long a quote rests at the venue before it expires and is renewed. */
  quote_ttl_ms: number;
}

export interface RiskConfig {
  /** Max USD notional of one order. */
  max_order_notional: number;
  /** Max distance of a limit price from the cross-venue mid, basis points (fat finger). */
  price_band_bps: number;
  /** A reference quote older than this is stale: orders on that symbol are refused. */
  stale_quote_ms: number;
  /** Order submit throttle (token bucket refilled at this rate, burst of one second). */
  max_orders_per_sec: number;
  max_open_orders: number;
  /** Loss limit: total P&L below -max_loss_usd halts trading until an operator resumes it. */
  max_loss_usd: number;
  /** Drawdown limit: total P&L more than this below its best halts trading until an operator resumes it. */
  max_drawdown_usd: number;
  /** Venue breaker: route away while a venue's forecast p50 exceeds this multiple of its baseline. */
  venue_latency_spike_factor: number;
  /** An order without an ack this long is reported timed out and its venue counts as out. */
  ack_timeout_ms: number;
}

/** The venue simulation's models (src/venues/models/), one list of names each. */
export const ORDER_LATENCY_MODELS = ['measured', 'constant'] as const;
export type OrderLatencyModelName = (typeof ORDER_LATENCY_MODELS)[number];
export const QUEUE_MODELS = ['risk-averse', 'probabilistic'] as const;
export type QueueModelName = (typeof QUEUE_MODELS)[number];
export const DECISION_LATENCY_MODELS = ['recorded', 'none'] as const;

export interface BacktestConfig {
  /** measured: interpolated from the data's order->ack samples (venues without any fall back to constant); constant: each venue's latency.base_us. */
  order_latency: OrderLatencyModelName;
  /** recorded: replay the tick -> order hand-off times measured when the data was recorded; none: 0. */
  decision_latency: (typeof DECISION_LATENCY_MODELS)[number];
  /** Scales every order latency (a sweep's "what if the wire were 2x slower"). */
  latency_multiplier: number;
  /** risk-averse: a resting order advances only on trades at its price; probabilistic: also on cancellations ahead of it. */
  queue_model: QueueModelName;
  /** probabilistic queue: power n of f(x) = x^n. */
  queue_power: number;
  /** Fee of a passive (maker) fill, basis points of notional; negative is a rebate. */
  maker_fee_bps: number;
  /** After the last tick, how long in-flight orders may still finish, seconds. */
  drain_s: number;
}

/** Several daemons sharing one risk budget on NATS JetStream (docs/cluster.md). */
export interface ClusterConfig {
  /** Comma-separated nats:// URLs; empty: this daemon runs alone (the default). */
  servers: string;
  /** `I/K`: this daemon trades the symbols that hash to shard I of K. */
  shard: string;
  /** A shard lease not renewed for this long may be taken by another daemon. */
  lease_ttl_ms: number;
  /** Max gross notional (positions and open orders) of all the cluster's daemons together, USD. */
  max_portfolio_value: number;
  /** A daemon reserves the global budget this much at a time. */
  budget_chunk_usd: number;
}

/** What the CLI may override; undefined means "not given". */
export interface CliOverrides {
  mode?: string;
  duration?: string;
  symbols?: string;
  config?: string;
  logLevel?: string;
  skipBacktest?: boolean;
  /** --no-record: false; absent otherwise. */
  record?: boolean;
  source?: string;
  report?: string;
  metricsPort?: string;
  rate?: string;
  speed?: string;
  pipeline?: string;
  router?: string;
  cluster?: string;
  shard?: string;
}
