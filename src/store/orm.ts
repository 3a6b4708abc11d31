import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PGliteDriver } from 'mikro-orm-pglite';
import type { Logger } from '../util/logger.js';
import { registerSecret } from '../util/redact.js';
import type { DatabaseConfig } from './types.js';
import { ENTITIES } from './entities.js';

/**
 * MikroORM set-up for both databases: the same entities, the same migrations, the same SQL.
 */

const here = dirname(fileURLToPath(import.meta.url));
/** true under tsx (src/store/orm.ts), false in the build (dist/src/store/orm.js) */
const runningTs = fileURLToPath(import.meta.url).endsWith('.ts');

/**
 * `migrations/` beside `src/` in the checkout, `dist/migrations/` beside `dist/src/` in the
 * build (tsconfig.build.json compiles both under rootDir "."), so the same relative hop works
 * from either place and never depends on the cwd.
 */
export const MIGRATIONS_DIR = resolve(here, '../../migrations');
export const MIGRATIONS_GLOB = runningTs ? '!(*.d).ts' : '!(*.d).js';
export const MIGRATIONS_TABLE = 'robosync_migrations';

/** Knex waits this long for a pooled connection. On PGlite a query beside an open transaction
 * would otherwise wait 60 s (knex's default) for the only connection. */
const ACQUIRE_TIMEOUT_MS = { postgresql: 15_000, pglite: 5_000 };
/** TCP connect timeout for a new PostgreSQL connection (a blackholed host). */
const CONNECT_TIMEOUT_MS = 10_000;

export interface OrmHandle {
  orm: MikroORM;
  kind: DatabaseConfig['kind'];
  /** the embedded database, owned by us (closed after the ORM) */
  pglite?: PGlite;
  /** discrete connection settings for extra out-of-pool connections (the migration lock) */
  pgConnection?: PgConnectionSettings;
}

export interface PgConnectionSettings {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | { rejectUnauthorized: boolean };
  connectionTimeoutMillis: number;
  application_name: string;
}

function sslFromMode(mode: string | undefined): PgConnectionSettings['ssl'] {
  switch (mode) {
    case undefined:
    case '':
    case 'disable':
    case 'allow':
    case 'prefer':
      return undefined;
    case 'require':
      // libpq semantics: encrypt, do not verify the certificate.
      return { rejectUnauthorized: false };
    default:
      // verify-ca / verify-full
      return { rejectUnauthorized: true };
  }
}

/** Connection settings for pg, with the password registered as a secret so logs mask it. */
export function pgSettings(config: Extract<DatabaseConfig, { kind: 'postgresql' }>): PgConnectionSettings {
  const base = { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'robosync' };
  if (config.url) {
    const u = new URL(config.url);
    registerSecret(decodeURIComponent(u.password));
    registerSecret(u.password);
    return { ...base, connectionString: config.url };
  }
  registerSecret(config.password);
  return {
    ...base,
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 5432,
    user: config.user ?? 'postgres',
    password: config.password,
    database: config.name ?? 'postgres',
    ssl: sslFromMode(config.sslmode),
  };
}

function dbNameOf(s: PgConnectionSettings): string {
  if (s.connectionString) {
    const name = decodeURIComponent(new URL(s.connectionString).pathname.replace(/^\//, ''));
    return name || 'postgres';
  }
  return s.database ?? 'postgres';
}

function commonOptions(logger: Logger): Partial<Options> {
  return {
    entities: ENTITIES,
    extensions: [Migrator],
    // createStore verifies reachability itself with a clear error; never create databases at init.
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
    logger: (message: string) => logger.debug(message, { component: 'mikro-orm' }),
    discovery: { warnWhenNoEntities: false },
    migrations: {
      tableName: MIGRATIONS_TABLE,
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: MIGRATIONS_GLOB,
      emit: 'ts',
      transactional: true,
      allOrNothing: true,
      // Off: with a snapshot, every `up()` rewrites `.snapshot-*.json` inside the installed
      // package. New migrations are diffed against a database migrated from the committed
      // files instead (src/store/make-migration.ts), which cannot drift from them.
      snapshot: false,
      snapshotName: '.snapshot-robosync',
      silent: false,
    },
    preferTs: runningTs,
  };
}

/** knex prints pool warnings ("Connection Error: …" when a backend dies) to the console by default. */
function knexLog(logger: Logger) {
  return {
    warn: (m: unknown) => logger.warn(String(m), { component: 'knex' }),
    error: (m: unknown) => logger.error(String(m), { component: 'knex' }),
    deprecate: (m: unknown) => logger.debug(String(m), { component: 'knex' }),
    debug: (m: unknown) => logger.debug(String(m), { component: 'knex' }),
  };
}

export async function openOrm(config: DatabaseConfig, logger: Logger): Promise<OrmHandle> {
  if (config.kind === 'pglite') {
    // PGlite wants its directory's parent to exist ('memory://' is not a path).
    if (!config.dataDir.includes('://')) mkdirSync(config.dataDir, { recursive: true });
    const pglite = new PGlite(config.dataDir);
    await pglite.waitReady;
    try {
      const orm = await MikroORM.init({
        ...commonOptions(logger),
        driver: PGliteDriver,
        dbName: 'postgres',
        // One embedded backend: a second pooled "connection" would be the same session and
        // would interleave statements into another caller's transaction.
        pool: { min: 1, max: 1 },
        driverOptions: {
          acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS.pglite,
          log: knexLog(logger),
          connection: { pglite: () => pglite },
        },
      } as Options);
      return { orm, kind: 'pglite', pglite };
    } catch (err) {
      await pglite.close().catch(() => undefined);
      throw err;
    }
  }

  if (!Number.isInteger(config.poolSize) || config.poolSize < 1) {
    throw new RangeError(`database.poolSize: expected an integer >= 1, received ${String(config.poolSize)}`);
  }
  const settings = pgSettings(config);
  const { connectionString, host, port, user, password, database, ...rest } = settings;
  const orm = await MikroORM.init({
    ...commonOptions(logger),
    driver: PostgreSqlDriver,
    ...(connectionString ? { clientUrl: connectionString } : { host, port, user, password, dbName: database }),
    dbName: dbNameOf(settings),
    pool: { min: 0, max: config.poolSize, idleTimeoutMillis: 30_000 },
    driverOptions: {
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS.postgresql,
      log: knexLog(logger),
      connection: { ...rest, keepAlive: true },
    },
  } as Options);
  return { orm, kind: 'postgresql', pgConnection: settings };
}

export async function closeOrm(h: OrmHandle): Promise<void> {
  try {
    await h.orm.close(true);
  } finally {
    if (h.pglite && !h.pglite.closed) await h.pglite.close();
  }
}
