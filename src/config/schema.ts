import { z } from 'zod';
import { parseDuration } from '../util/duration.js';

/**
 * The configuration schema: every key with its default. Each leaf states what it expects so a
 * bad value reads `scheduler.hotIntervalMs: expected a number >= 100, received "fast"`.
 */
const expect = (what: string) => ({ error: () => `expected ${what}` });

/** Values from the environment arrive as strings: `port: ${PORT}` reads as the number it spells. */
const numeric = (v: unknown) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

export const num = (min: number, max?: number) => {
  const what = max === undefined ? `a number >= ${min}` : `a number between ${min} and ${max}`;
  let s = z.number(expect(what)).min(min, expect(what));
  if (max !== undefined) s = s.max(max, expect(what));
  return z.preprocess(numeric, s);
};
export const int = (min: number, max?: number) => {
  const what = max === undefined ? `an integer >= ${min}` : `an integer between ${min} and ${max}`;
  let s = z.number(expect(what)).int(expect(what)).min(min, expect(what));
  if (max !== undefined) s = s.max(max, expect(what));
  return z.preprocess(numeric, s);
};
const str = (what = 'a non-empty string') => z.string(expect(what)).min(1, expect(what));
const bool = () => z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean(expect('true or false')));
const id = () =>
  z
    .string(expect('an id (letters, digits, . _ - : up to 64 chars)'))
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, expect('an id (letters, digits, . _ - : up to 64 chars)'));

/** A duration: milliseconds as a number, or a string such as '500ms', '30s', '5m', '7d'. */
const duration = (minMs: number) =>
  z
    .union([z.number(), z.string()], expect(`a duration (ms, or like "30s", "5m", "7d") >= ${minMs} ms`))
    .transform((v, ctx) => {
      const ms = typeof v === 'number' ? v : parseDuration(v);
      if (ms === null || !Number.isFinite(ms) || ms < minMs) {
        ctx.addIssue({ code: 'custom', message: `expected a duration (ms, or like "30s", "5m", "7d") >= ${minMs} ms`, input: v });
        return z.NEVER;
      }
      return ms;
    });

const exchangeName = z.enum(['bybit', 'weex'], expect('"bybit" or "weex"'));

const databaseSchema = z
  .object({
    url: str('a postgres:// URL').optional(),
    host: str().optional(),
    port: int(1, 65535).optional(),
    user: str().optional(),
    password: z.string(expect('a string')).optional(),
    name: str().optional(),
    sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'], expect('an sslmode (disable, prefer, require, verify-ca, verify-full)')).optional(),
    poolSize: int(1, 1000).default(10),
    /** embedded PGlite data directory, used when no PostgreSQL is configured */
    dataDir: str().default('./.robosync/data'),
  })
  .strict()
  .default({ poolSize: 10, dataDir: './.robosync/data' });

const exchangeSchema = z
  .object({
    env: z.enum(['mainnet', 'testnet', 'demo'], expect('"mainnet", "testnet" or "demo"')).default('mainnet'),
    baseUrl: z.url(expect('an http(s) URL')).optional(),
    wsUrl: z.url(expect('a ws(s) URL')).optional(),
    recvWindowMs: int(1000, 60000).default(5000),
    timeoutMs: int(100, 120000).default(10000),
    /** use the private WebSocket stream; REST polling then runs as the safety net */
    privateStream: bool().default(false),
    /** private stream heartbeat; a pong proves everything pushed before it has arrived */
    heartbeatMs: int(500, 60000).default(2500),
    /**
     * with a healthy private stream, how often REST still re-reads executions and positions in
     * full (the open list is read every idle interval): the net for pushes lost on the way
     */
    streamFullCheckMs: int(1000).default(300000),
    /** exchange-specific switches for behaviour the docs leave uncertain ([U]); see README */
    options: z.record(z.string(), z.unknown()).default({}),
    /** overrides of the adapter's budget buckets: { bucketName: { limit, windowMs } } */
    budgets: z.record(z.string(), z.object({ limit: int(1), windowMs: int(1) }).strict()).default({}),
  })
  .strict();

const accountSchema = z
  .object({
    id: id(),
    exchange: exchangeName,
    label: z.string(expect('a string')).optional(),
    apiKey: str('an API key (use an environment reference such as ${BYBIT_KEY_1})'),
    apiSecret: str('an API secret (use an environment reference such as ${BYBIT_SECRET_1})'),
    passphrase: str().optional(),
    /** symbols to sync even when no robot trades them */
    symbols: z.array(str('a symbol'), expect('a list of symbols')).default([]),
    /** egress IP the account's requests leave from (budget sharing); default 'default' */
    ip: str().default('default'),
  })
  .strict();

const robotSchema = z
  .object({
    id: id(),
    accountId: id(),
    symbols: z.array(str('a symbol'), expect('a list of symbols')).min(1, expect('at least one symbol')),
    orderLinkPrefix: str().optional(),
    status: z.enum(['active', 'paused'], expect('"active" or "paused"')).default('active'),
  })
  .strict();

const timeframe = z.enum(['1m', '5m', '1h', '1d'], expect("one of '1m', '5m', '1h', '1d'"));
const timeframes = () => z.array(timeframe, expect("a list of timeframes ('1m', '5m', '1h', '1d')")).default(['1m', '5m', '1h', '1d']);

/** Price nodes (issue #8, S002): a collector of public market data, and pulls from other robosyncs. */
const pricenodeSchema = z
  .object({
    collector: z
      .object({
        /** collect tickers and klines from the exchange's public endpoints (exchanges.<name>.baseUrl / env) */
        enabled: bool().default(false),
        exchange: z.enum(['bybit'], expect('"bybit"')).default('bybit'),
        symbols: z.array(str('a symbol'), expect('a list of symbols')).default([]),
        timeframes: timeframes(),
        intervalMs: duration(1000).default(60_000),
      })
      .strict()
      .default({ enabled: false, exchange: 'bybit', symbols: [], timeframes: ['1m', '5m', '1h', '1d'], intervalMs: 60_000 }),
    sync: z
      .object({
        /** pull from the nodes registered in the database (robosync nodes add / POST /api/v1/sync/nodes) */
        enabled: bool().default(true),
        timeframes: timeframes(),
        /** rows per export request (the export answers at most 5,000 tickers / 10,000 klines) */
        pageSize: int(1, 10_000).default(5000),
        /** rows one run pulls per (pair, data type) at most; the rest follows in the next run, queued at once */
        maxRowsPerRun: int(1).default(100_000),
        /** incremental pulls start this far before the stored cursor (rows a node inserted late) */
        overlapMs: duration(0).default(0),
        /** interval of a node added without one */
        defaultIntervalMs: duration(1000).default(300_000),
        /** backoff after a failed run: doubles from retryMinMs up to retryMaxMs (S002 waited 1 minute) */
        retryMinMs: duration(10).default(60_000),
        retryMaxMs: duration(10).default(3_600_000),
        /** one HTTP request to a node */
        timeoutMs: int(100, 120_000).default(10_000),
        /** how often a daemon re-reads the node table (nodes changed by the CLI or another process) */
        reloadMs: duration(100).default(30_000),
      })
      .strict()
      .default({
        enabled: true,
        timeframes: ['1m', '5m', '1h', '1d'],
        pageSize: 5000,
        maxRowsPerRun: 100_000,
        overlapMs: 0,
        defaultIntervalMs: 300_000,
        retryMinMs: 60_000,
        retryMaxMs: 3_600_000,
        timeoutMs: 10_000,
        reloadMs: 30_000,
      }),
    /** how far back a first run reaches, per data type (S002's first-sync lookbacks); collector and node sync */
    lookbacks: z
      .object({
        tickers: duration(0).default(86_400_000),
        '1m': duration(0).default(6 * 3_600_000),
        '5m': duration(0).default(86_400_000),
        '1h': duration(0).default(7 * 86_400_000),
        '1d': duration(0).default(30 * 86_400_000),
      })
      .strict()
      .default({ tickers: 86_400_000, '1m': 6 * 3_600_000, '5m': 86_400_000, '1h': 7 * 86_400_000, '1d': 30 * 86_400_000 }),
  })
  .strict();

export const configSchema = z
  .object({
    database: databaseSchema,
    exchanges: z
      .object({ bybit: exchangeSchema.default(exchangeSchema.parse({})), weex: exchangeSchema.default(exchangeSchema.parse({})) })
      .strict()
      .default({ bybit: exchangeSchema.parse({}), weex: exchangeSchema.parse({}) }),
    accounts: z.array(accountSchema, expect('a list of accounts')).default([]),
    robots: z.array(robotSchema, expect('a list of robots')).default([]),
    scheduler: z
      .object({
        hotIntervalMs: int(100).default(5000),
        idleIntervalMs: int(100).default(30000),
        /** fraction of the interval by which a tick may come early, to spread load */
        jitter: num(0, 0.5).default(0.1),
        /** syncs running at once */
        concurrency: int(1, 1000).default(16),
        retryMinMs: int(10).default(1000),
        retryMaxMs: int(100).default(60000),
      })
      .strict()
      .default({ hotIntervalMs: 5000, idleIntervalMs: 30000, jitter: 0.1, concurrency: 16, retryMinMs: 1000, retryMaxMs: 60000 }),
    limits: z
      .object({
        /** fraction of each exchange budget robosync may use (leave room for the robots' own trading) */
        share: num(0.05, 1).default(0.8),
      })
      .strict()
      .default({ share: 0.8 }),
    history: z
      .object({
        enabled: bool().default(true),
        intervalMs: duration(100).default(30000),
        overlapMs: duration(0).default(300000),
        initialLookback: duration(60000).default(7 * 86400000),
        streams: z
          .array(z.enum(['executions', 'orders', 'closed_pnl', 'positions'], expect('one of executions, orders, closed_pnl, positions')))
          .default(['executions', 'orders', 'closed_pnl', 'positions']),
      })
      .strict()
      .default({ enabled: true, intervalMs: 30000, overlapMs: 300000, initialLookback: 7 * 86400000, streams: ['executions', 'orders', 'closed_pnl', 'positions'] }),
    server: z
      .object({
        enabled: bool().default(true),
        host: str().default('127.0.0.1'),
        port: int(0, 65535).default(8080),
        /** bearer token for mutating calls; use ${ROBOSYNC_TOKEN} */
        token: str().optional(),
        maxBodyBytes: int(1024).default(1048576),
      })
      .strict()
      .default({ enabled: true, host: '127.0.0.1', port: 8080, maxBodyBytes: 1048576 }),
    pricenode: pricenodeSchema.default(pricenodeSchema.parse({})),
    logging: z
      .object({
        level: z.enum(['error', 'warn', 'info', 'debug'], expect('one of error, warn, info, debug')).default('info'),
        format: z.enum(['auto', 'json', 'pretty'], expect('one of auto, json, pretty')).default('auto'),
      })
      .strict()
      .default({ level: 'info', format: 'auto' }),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type AccountConfig = ParsedConfig['accounts'][number];
export type RobotConfig = ParsedConfig['robots'][number];
export type ExchangeConfig = ParsedConfig['exchanges']['bybit'];
export type PricenodeConfig = ParsedConfig['pricenode'];
