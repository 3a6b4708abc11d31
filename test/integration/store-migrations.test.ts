import assert from 'node:assert/strict';
import { createStore, storeInternals } from '../../src/store/store.js';
import { migrationFiles } from '../../src/store/migrate.js';
import { MIGRATIONS_TABLE } from '../../src/store/orm.js';
import type { Store } from '../../src/store/types.js';
import { createTestDb, DB_KINDS, useStore, type DbKind } from '../helpers/db.js';

/** Everything about the schema that matters, as comparable text, from the catalogs. */
async function catalog(store: Store): Promise<string[]> {
  const q = storeInternals(store).query;
  const skip = `'${MIGRATIONS_TABLE}'`;
  const columns = await q<Record<string, unknown>>(
    `select table_name, column_name, data_type, udt_name, is_nullable, column_default, numeric_precision, numeric_scale
     from information_schema.columns where table_schema = 'public' and table_name <> ${skip}
     order by table_name, column_name`,
  );
  const indexes = await q<Record<string, unknown>>(
    `select tablename, indexname, indexdef from pg_indexes
     where schemaname = 'public' and tablename <> ${skip} order by tablename, indexname`,
  );
  const constraints = await q<Record<string, unknown>>(
    `select c.conrelid::regclass::text as tbl, c.conname, pg_get_constraintdef(c.oid) as def
     from pg_constraint c join pg_namespace n on n.oid = c.connamespace
     where n.nspname = 'public' and c.conrelid::regclass::text <> ${skip} order by 1, 2`,
  );
  return [...columns, ...indexes, ...constraints].map((r) => JSON.stringify(r));
}

function diff(a: string[], b: string[]): string {
  const sa = new Set(a);
  const sb = new Set(b);
  return [...a.filter((x) => !sb.has(x)).map((x) => `- ${x}`), ...b.filter((x) => !sa.has(x)).map((x) => `+ ${x}`)].join('\n');
}

/** A second, empty database of the same kind, with the schema created straight from the entities. */
async function schemaFromEntities(kind: DbKind): Promise<{ store: Store; done(): Promise<void> }> {
  const db = await createTestDb(kind);
  const store = await createStore(db.config);
  await storeInternals(store).exclusive(() => storeInternals(store).orm.schema.createSchema());
  return {
    store,
    done: async () => {
      try {
        await store.close();
      } finally {
        await db.drop();
      }
    },
  };
}

for (const kind of DB_KINDS) {
  describe(`store migrations (${kind})`, function () {
    this.timeout(60_000);
    const fx = useStore(kind, { migrate: false });

    it('applies every committed migration to an empty database, then nothing', async () => {
      const files = migrationFiles();
      assert.ok(files.length >= 1, 'migrations/ holds at least the initial migration');
      const first = await fx.store.migrate();
      assert.deepEqual(first.applied, files);
      const executed = await fx.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE} order by id`);
      assert.deepEqual(
        executed.map((r) => r.name),
        files,
      );
      const second = await fx.store.migrate();
      assert.deepEqual(second.applied, []);
      const tables = await fx.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      for (const t of ['accounts', 'robots', 'orders', 'executions', 'closed_pnl', 'positions', 'sync_cursors', 'sync_runs']) {
        assert.ok(
          tables.some((r) => r.table_name === t),
          `table ${t} exists`,
        );
      }
    });

    it('leaves nothing for the schema diff: the entities and the migrations agree', async () => {
      await fx.store.migrate();
      const { orm } = storeInternals(fx.store);
      const pending = await storeInternals(fx.store).exclusive(() => orm.schema.getUpdateSchemaSQL({ wrap: false }));
      assert.equal(pending.trim(), '', `entities need a migration (npx tsx src/store/make-migration.ts):\n${pending}`);
      const needed = await storeInternals(fx.store).exclusive(() => orm.getMigrator().checkMigrationNeeded());
      assert.equal(needed, false);
    });

    it('matches, catalog for catalog, a schema created straight from the entities', async () => {
      // The diff above compares partial indexes by name only; the catalogs compare definitions.
      await fx.store.migrate();
      const fresh = await schemaFromEntities(kind);
      try {
        const migrated = await catalog(fx.store);
        const expected = await catalog(fresh.store);
        assert.ok(migrated.length > 50, 'the catalog query sees the schema');
        assert.equal(diff(migrated, expected), '', 'migrated (-) versus entities (+)');
      } finally {
        await fresh.done();
      }
    });

    it('the catalog comparison notices a changed partial index (it can fail)', async () => {
      const fresh = await schemaFromEntities(kind);
      try {
        await storeInternals(fresh.store).query('drop index orders_open_idx');
        await storeInternals(fresh.store).query(
          'create index orders_open_idx on orders (exchange, account_id) where status_rank < 2',
        );
        assert.notEqual(diff(await catalog(fx.store), await catalog(fresh.store)), '');
      } finally {
        await fresh.done();
      }
    });

    it('two migrate() calls at once do not race', async () => {
      const db = await createTestDb(kind);
      const a = await createStore(db.config);
      // PGlite: one backend per data directory, so both calls go through one store.
      const b = kind === 'postgresql' ? await createStore(db.config) : a;
      try {
        const results = await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        const applied = results.flatMap((r) => r.applied);
        assert.deepEqual(applied, migrationFiles(), 'each migration applied exactly once');
        const executed = await storeInternals(a).query<{ n: string | number }>(`select count(*) as n from ${MIGRATIONS_TABLE}`);
        assert.equal(Number(executed[0]!.n), migrationFiles().length);
      } finally {
        await a.close();
        if (b !== a) await b.close();
        await db.drop();
      }
    });
  });
}

describe('store migration files', () => {
  it('finds none in a missing folder (migrate() then refuses instead of returning [])', () => {
    assert.deepEqual(migrationFiles('/nonexistent/robosync-migrations'), []);
  });
});
