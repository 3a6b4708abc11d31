/** The store: MikroORM entities and migrations, batched SQL upserts, PostgreSQL or embedded PGlite. */
export { createStore, type CreateStoreOptions } from './store.js';
export { StoreInputError, RETRYABLE_PG_CODES, retryRule, type RetryRule } from './errors.js';
export { MIGRATIONS_DIR } from './orm.js';
export type * from './types.js';
