/**
 * The zod schema of the fully merged configuration. Every message is written for the user: it
 * becomes the reason of a ConfigError, and the resolver appends the offending value to it.
 */
import { z } from 'zod';
import {
  DECISION_LATENCY_MODELS,
  HOST_NAMES,
  LOG_LEVELS,
  MODES,
  ORDER_LATENCY_MODELS,
  PIPELINES,
  QUEUE_MODELS,
  ROUTERS,
  STRATEGIES,
  WAIT_STRATEGIES,
} from './config-types.js';

export const SYMBOL_RE = /^[A-Z][A-Z0-9.-]{0,15}$/;
export const DEFAULT_FINNHUB_WS_URL = 'wss://ws.finnhub.io';
export const SOURCE_HINT = 'must be sim, finnhub, replay:<FILE> or venues:<ws url>';

const say = (message: string) => ({ error: message });

const numberThat = (what: string) => z.number(say(`must be ${what}`));
const positive = (what = 'a positive number') => numberThat(what).gt(0, say(`must be ${what}`));
const nonNegative = (what = 'a non-negative number') => numberThat(what).min(0, say(`must be ${what}`));
const intBetween = (lo: number, hi: number, what: string) =>
  numberThat(what)
    .int(say(`must be ${what}`))
    .min(lo, say(`must be ${what}`))
    .max(hi, say(`must be ${what}`));

const probability = () =>
  numberThat('a probability from 0 to 1')
    .min(0, say('must be a probability from 0 to 1'))
    .max(1, say('must be a probability from 0 to 1'));

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, say(`must be one of ${values.join(', ')}`));

const mapping = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape, say('must be a mapping'));

const nonEmptyText = (what: string) => z.string(say(`must be ${what}`)).regex(/\S/, say(`must be ${what}`));

function isWsUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'ws:' || protocol === 'wss:';
}

/** `sim`, `finnhub`, `replay:<FILE>` or `venues:<ws url>`. */
export function isValidSource(source: string): boolean {
  if (source === 'sim' || source === 'finnhub') return true;
  if (source.startsWith('replay:')) return /\S/.test(source.slice('replay:'.length));
  return source.startsWith('venues:') && isWsUrl(source.slice('venues:'.length));
}

function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

const symbols = z
  .array(
    z
      .string(say('must be a ticker symbol'))
      .regex(
        SYMBOL_RE,
        say('must be an upper-case ticker symbol (A-Z, 0-9, "." or "-", at most 16 characters)'),
      ),
    say('must be a list of ticker symbols'),
  )
  .min(1, say('must list at least one symbol'))
  .superRefine((list, ctx) => {
    const dup = firstDuplicate(list);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', message: `lists ${dup} more than once` });
  });

const trading = mapping({
  symbols,
  max_position_size: positive(),
  max_portfolio_value: positive(),
  max_order_size: positive(),
  order_size: positive(),
  strategy: mapping({
    name: oneOf(STRATEGIES),
    threshold_bps: nonNegative(),
    cooldown_ms: nonNegative(),
    half_spread_bps: positive(),
    skew_bps: nonNegative(),
    quote_ttl_ms: positive(),
  }),
}).superRefine((t, ctx) => {
  if (t.order_size > t.max_order_size) {
    const message = `must not exceed trading.max_order_size (${t.max_order_size})`;
    ctx.addIssue({ code: 'custom', path: ['order_size'], message });
  }
});

const risk = mapping({
  max_order_notional: positive(),
  price_band_bps: positive(),
  stale_quote_ms: positive(),
  max_orders_per_sec: positive(),
  max_open_orders: intBetween(1, 65536, 'an integer from 1 to 65536'),
  max_loss_usd: positive(),
  max_drawdown_usd: positive(),
  venue_latency_spike_factor: numberThat('a number above 1').gt(1, say('must be a number above 1')),
  ack_timeout_ms: positive(),
});

const system = mapping({
  mode: oneOf(MODES),
  log_level: oneOf(LOG_LEVELS),
  duration_s: positive('a positive number of seconds'),
  pipeline: oneOf(PIPELINES),
  wait_strategy: oneOf(WAIT_STRATEGIES),
  spin_ns: nonNegative(),
  busy_spin_host: oneOf(HOST_NAMES).nullable(),
  inference_warm_us: nonNegative(),
  metrics_port: intBetween(0, 65535, 'an integer port from 0 to 65535 (0 disables the HTTP server)'),
  metrics_host: nonEmptyText('a host name or address'),
  heartbeat_timeout_ms: positive(),
  progress_interval_s: positive('a positive number of seconds'),
  report_dir: nonEmptyText('a directory path or null').nullable(),
  skip_backtest: z.boolean(say('must be true or false')),
  record: z.boolean(say('must be true or false')),
  record_max_mb: nonNegative('a non-negative number of megabytes (0: no limit)'),
  on_shutdown: oneOf(['cancel', 'leave'] as const),
  shutdown_timeout_ms: positive('a positive number of milliseconds'),
  max_worker_restarts: intBetween(0, 100, 'an integer from 0 to 100'),
});

const venue = mapping({
  name: z
    .string(say('must be a venue name'))
    .regex(/^\S(?:.*\S)?$/, say('must be a non-empty name without surrounding spaces')),
  fee_bps: nonNegative(),
  spread_bps: positive(),
  depth: positive(),
  noise_bps: nonNegative(),
  // The simulated market keeps ~200 ms of price history for its lagging venues.
  lag_ms: numberThat('a number of milliseconds from 0 to 100')
    .min(0, say('must be a number of milliseconds from 0 to 100'))
    .max(100, say('must be a number of milliseconds from 0 to 100'))
    .optional(),
  latency: mapping({
    base_us: positive(),
    jitter_sigma: nonNegative(),
    spike_prob: probability(),
    spike_us: nonNegative(),
    bursts: mapping({
      per_min: nonNegative(),
      mean_ms: positive('a positive number of milliseconds'),
      spike_prob: probability(),
    }).optional(),
    regimes: mapping({
      congested_base_us: positive(),
      congested_sigma: nonNegative(),
      enter_per_s: nonNegative('a non-negative rate per second'),
      exit_per_s: positive('a positive rate per second'),
      volatile_x: numberThat('a multiple of at least 1')
        .min(1, say('must be a multiple of at least 1'))
        .optional(),
    }).optional(),
    load: mapping({
      ref_orders_per_s: positive('a positive number of orders per second'),
      slope: nonNegative(),
      window_ms: positive('a positive number of milliseconds').optional(),
    }).optional(),
    outage: mapping({
      per_hour: nonNegative('a non-negative number of outages per hour'),
      mean_ms: positive('a positive number of milliseconds'),
      volatile_x: numberThat('a multiple of at least 1')
        .min(1, say('must be a multiple of at least 1'))
        .optional(),
    }).optional(),
  }),
});

const market = mapping({
  source: z.string(say(SOURCE_HINT)).refine(isValidSource, say(SOURCE_HINT)),
  rate: nonNegative('a non-negative number of ticks per second'),
  replay_speed: nonNegative('a non-negative speed factor (1 = as recorded, 0 = as fast as it goes)'),
  probe_interval_ms: nonNegative('a non-negative number of milliseconds (0 = no probes)'),
  seed: intBetween(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'an integer'),
  venues: z
    .array(venue, say('must be a list of venues'))
    .min(1, say('must list at least one venue'))
    .superRefine((list, ctx) => {
      const dup = firstDuplicate(list.map((v) => v.name));
      if (dup !== undefined) ctx.addIssue({ code: 'custom', message: `lists venue ${dup} more than once` });
    }),
});

const backtest = mapping({
  order_latency: oneOf(ORDER_LATENCY_MODELS),
  decision_latency: oneOf(DECISION_LATENCY_MODELS),
  latency_multiplier: positive(),
  queue_model: oneOf(QUEUE_MODELS),
  queue_power: positive(),
  maker_fee_bps: numberThat('a number of basis points').refine(
    Number.isFinite,
    say('must be a finite number'),
  ),
  drain_s: nonNegative('a non-negative number of seconds'),
});

function isNatsUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'nats:' || protocol === 'tls:';
}

const CLUSTER_SERVERS_HINT = 'must be comma-separated nats:// URLs, or empty for one daemon alone';

/** `I/K` with 0 <= I < K. */
export function isShard(text: string): boolean {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[1]) < Number(m[2]);
}

const cluster = mapping({
  servers: z
    .string(say(CLUSTER_SERVERS_HINT))
    .refine(
      (s) => s.trim() === '' || s.split(',').every((u) => isNatsUrl(u.trim())),
      say(CLUSTER_SERVERS_HINT),
    ),
  shard: z.string(say('must be I/K with 0 <= I < K')).refine(isShard, say('must be I/K with 0 <= I < K')),
  lease_ttl_ms: intBetween(100, 600_000, 'a whole number of milliseconds from 100 to 600000'),
  max_portfolio_value: positive('a positive number of USD'),
  budget_chunk_usd: positive('a positive number of USD'),
});

const secrets = mapping({
  finnhub_api_key: z.string().nullable(),
  finnhub_ws_url: z
    .string(say('must be a ws:// or wss:// URL'))
    .refine(isWsUrl, say('must be a ws:// or wss:// URL')),
  admin_token: z.string().nullable(),
});

export const configSchema = mapping({
  trading,
  system,
  market,
  routing: mapping({ router: oneOf(ROUTERS) }),
  risk,
  backtest,
  cluster,
  secrets,
});

export const modeSchema = system.shape.mode;
