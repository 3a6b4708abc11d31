import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { DatabaseConfig } from '../store/types.js';
import { registerSecret } from '../util/redact.js';
import { configSchema, type ConfigInput, type ParsedConfig } from './schema.js';

/** The configuration after defaults, environment and validation: resolved once, then read-only. */
export interface ResolvedConfig extends Omit<ParsedConfig, 'database'> {
  database: DatabaseConfig;
  /** the file it came from, if any */
  source: string | null;
}

export interface LoadOptions {
  /** YAML (or JSON) file; undefined falls back to ROBOSYNC_CONFIG, null means none */
  file?: string | null;
  /** a config object instead of (or merged over) the file */
  config?: ConfigInput | Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

/** S001's environment names, first match wins. */
const DB_ENV: Array<[string, string[], 'string' | 'int']> = [
  ['url', ['DATABASE_URL'], 'string'],
  ['host', ['DB_HOST', 'POSTGRES_HOST'], 'string'],
  ['port', ['DB_PORT', 'POSTGRES_PORT'], 'int'],
  ['user', ['DB_USER', 'POSTGRES_USER'], 'string'],
  ['password', ['DB_PASSWORD', 'POSTGRES_PASSWORD'], 'string'],
  ['name', ['DB_NAME', 'POSTGRES_DB'], 'string'],
  ['sslmode', ['DB_SSLMODE'], 'string'],
];

export function loadConfig(opts: LoadOptions = {}): ResolvedConfig {
  const env = opts.env ?? process.env;
  const file = opts.file === undefined ? (env.ROBOSYNC_CONFIG ?? null) : opts.file;
  let raw: Record<string, unknown> = {};
  if (file) raw = readConfigFile(file);
  if (opts.config) raw = deepMerge(raw, opts.config as Record<string, unknown>);

  const interpolated = interpolate(raw, env, '') as Record<string, unknown>;
  const envSources = applyEnvOverrides(interpolated, env);

  const result = configSchema.safeParse(interpolated, { reportInput: true });
  if (!result.success) throw toConfigError(result.error, envSources, file);
  const parsed = result.data;
  checkReferences(parsed);

  for (const a of parsed.accounts) {
    registerSecret(a.apiKey);
    registerSecret(a.apiSecret);
    registerSecret(a.passphrase);
  }
  registerSecret(parsed.server.token);
  registerSecret(parsed.database.password);

  return { ...parsed, database: toDatabaseConfig(parsed.database), source: file ? resolvePath(file) : null };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`config file ${file}: expected a mapping at the top level, received ${describe(doc)}`);
  }
  return doc as Record<string, unknown>;
}

/** `${NAME}` and `${NAME:-default}` in string values; an unset variable without default is an error. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (def !== undefined) return def;
      throw new ConfigError(`${path || '(root)'}: environment variable ${name} is not set`, [
        { path, message: `environment variable ${name} is not set` },
      ]);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}

function applyEnvOverrides(cfg: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const sources = new Map<string, string>();
  const set = (section: string, key: string, value: unknown, envName: string) => {
    const s = (cfg[section] && typeof cfg[section] === 'object' ? cfg[section] : (cfg[section] = {})) as Record<string, unknown>;
    s[key] = value;
    sources.set(`${section}.${key}`, envName);
  };
  for (const [key, names, type] of DB_ENV) {
    const name = names.find((n) => env[n] !== undefined && env[n] !== '');
    if (!name) continue;
    const v = env[name]!;
    set('database', key, type === 'int' && /^\d+$/.test(v) ? Number(v) : v, name);
  }
  if (env.ROBOSYNC_DATA_DIR) set('database', 'dataDir', env.ROBOSYNC_DATA_DIR, 'ROBOSYNC_DATA_DIR');
  if (env.ROBOSYNC_TOKEN) set('server', 'token', env.ROBOSYNC_TOKEN, 'ROBOSYNC_TOKEN');
  if (env.ROBOSYNC_LOG_LEVEL) set('logging', 'level', env.ROBOSYNC_LOG_LEVEL, 'ROBOSYNC_LOG_LEVEL');
  return sources;
}

function toConfigError(error: z.ZodError, envSources: Map<string, string>, file: string | null): ConfigError {
  const issues = error.issues.map((iss) => {
    const path = formatPath(iss.path);
    let message = iss.message;
    if (iss.code === 'unrecognized_keys') {
      message = `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    } else if ('input' in iss) {
      message += `, received ${describe(iss.input)}`;
    }
    const from = envSources.get(path);
    if (from) message += ` (from ${from})`;
    return { path, message };
  });
  const where = file ? ` in ${file}` : '';
  const lines = issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`);
  return new ConfigError(`invalid configuration${where}:\n${lines.join('\n')}`, issues);
}

function checkReferences(cfg: ParsedConfig): void {
  const issues: { path: string; message: string }[] = [];
  const accountIds = new Set<string>();
  cfg.accounts.forEach((a, i) => {
    if (accountIds.has(a.id)) issues.push({ path: `accounts[${i}].id`, message: `duplicate account id ${JSON.stringify(a.id)}` });
    accountIds.add(a.id);
    if (a.exchange === 'weex' && !a.passphrase) {
      issues.push({ path: `accounts[${i}].passphrase`, message: 'expected a passphrase for a weex account, received nothing' });
    }
  });
  const robotIds = new Set<string>();
  cfg.robots.forEach((r, i) => {
    if (robotIds.has(r.id)) issues.push({ path: `robots[${i}].id`, message: `duplicate robot id ${JSON.stringify(r.id)}` });
    robotIds.add(r.id);
    if (!accountIds.has(r.accountId)) {
      issues.push({ path: `robots[${i}].accountId`, message: `expected the id of a configured account, received ${JSON.stringify(r.accountId)}` });
    }
  });
  if (cfg.scheduler.idleIntervalMs < cfg.scheduler.hotIntervalMs) {
    issues.push({
      path: 'scheduler.idleIntervalMs',
      message: `expected a number >= scheduler.hotIntervalMs (${cfg.scheduler.hotIntervalMs}), received ${cfg.scheduler.idleIntervalMs}`,
    });
  }
  if (cfg.scheduler.retryMaxMs < cfg.scheduler.retryMinMs) {
    issues.push({ path: 'scheduler.retryMaxMs', message: `expected a number >= scheduler.retryMinMs, received ${cfg.scheduler.retryMaxMs}` });
  }
  const pn = cfg.pricenode;
  if (pn.collector.enabled && pn.collector.symbols.length === 0) {
    issues.push({ path: 'pricenode.collector.symbols', message: 'expected at least one symbol when pricenode.collector.enabled is true, received an empty list' });
  }
  if (pn.sync.retryMaxMs < pn.sync.retryMinMs) {
    issues.push({ path: 'pricenode.sync.retryMaxMs', message: `expected a duration >= pricenode.sync.retryMinMs (${pn.sync.retryMinMs} ms), received ${pn.sync.retryMaxMs} ms` });
  }
  if (issues.length) {
    throw new ConfigError(`invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues);
  }
}

function toDatabaseConfig(db: ParsedConfig['database']): DatabaseConfig {
  if (db.url || db.host) {
    return {
      kind: 'postgresql',
      url: db.url,
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      name: db.name,
      sslmode: db.sslmode,
      poolSize: db.poolSize,
    };
  }
  return { kind: 'pglite', dataDir: db.dataDir };
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)) {
      out[k] = deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>);
    } else if (v !== undefined) out[k] = v;
  }
  return out;
}
