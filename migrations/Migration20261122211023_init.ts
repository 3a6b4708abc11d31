import { Migration } from '@mikro-orm/migrations';

export class Migration20261122211023_init extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "accounts" ("id" text not null, "exchange" text not null, "label" text null, constraint "accounts_pkey" primary key ("id"));`);

    this.addSql(`create table "closed_pnl" ("exchange" text not null, "account_id" text not null, "order_id" text not null, "created_time" bigint not null, "robot_id" text null, "symbol" text not null, "side" text not null, "qty" numeric not null, "order_price" numeric not null, "order_type" text not null, "exec_type" text not null, "closed_size" numeric not null, "cum_entry_value" numeric not null, "avg_entry_price" numeric not null, "cum_exit_value" numeric not null, "avg_exit_price" numeric not null, "closed_pnl" numeric not null, "fill_count" int not null, "leverage" numeric not null, "open_fee" numeric not null, "close_fee" numeric not null, "updated_time" bigint not null, "raw" jsonb null, constraint "closed_pnl_pkey" primary key ("exchange", "account_id", "order_id", "created_time"));`);
    this.addSql(`create index "closed_pnl_account_symbol_time_idx" on "closed_pnl" ("account_id", "symbol", "created_time");`);
    this.addSql(`create index "closed_pnl_time_idx" on "closed_pnl" ("created_time");`);

    this.addSql(`create table "executions" ("exchange" text not null, "account_id" text not null, "exec_id" text not null, "order_id" text not null, "order_link_id" text null, "robot_id" text null, "symbol" text not null, "side" text not null, "price" numeric not null, "qty" numeric not null, "value" numeric not null, "fee" numeric not null, "fee_currency" text not null, "is_maker" boolean null, "exec_type" text not null, "exec_time" bigint not null, "raw" jsonb null, constraint "executions_pkey" primary key ("exchange", "account_id", "exec_id"));`);
    this.addSql(`create index "executions_account_symbol_time_idx" on "executions" ("account_id", "symbol", "exec_time");`);
    this.addSql(`create index "executions_time_idx" on "executions" ("exec_time");`);

    this.addSql(`create table "orders" ("exchange" text not null, "account_id" text not null, "order_id" text not null, "order_link_id" text null, "robot_id" text null, "symbol" text not null, "side" text not null, "order_type" text not null, "price" numeric not null, "qty" numeric not null, "cum_exec_qty" numeric not null, "cum_exec_value" numeric not null, "avg_price" numeric not null, "fee" numeric not null, "status" text not null, "status_rank" smallint not null, "reduce_only" boolean not null, "created_time" bigint not null, "updated_time" bigint not null, "raw" jsonb null, "first_seen_at" bigint not null, "last_synced_at" bigint not null, constraint "orders_pkey" primary key ("exchange", "account_id", "order_id"));`);
    this.addSql(`create index "orders_open_idx" on "orders" ("exchange", "account_id") where "status_rank" < 3;`);
    this.addSql(`create index "orders_robot_idx" on "orders" ("robot_id", "updated_time");`);
    this.addSql(`create index "orders_updated_idx" on "orders" ("updated_time");`);

    this.addSql(`create table "positions" ("exchange" text not null, "account_id" text not null, "symbol" text not null, "position_idx" smallint not null, "side" text not null, "size" numeric not null, "avg_price" numeric not null, "unrealised_pnl" numeric not null, "realised_pnl" numeric not null, "updated_time" bigint not null, "seq" bigint null, "synced_at" bigint not null, "raw" jsonb null, constraint "positions_pkey" primary key ("exchange", "account_id", "symbol", "position_idx"));`);

    this.addSql(`create table "robots" ("id" text not null, "account_id" text not null, "symbols" text[] not null default '{}', "order_link_prefix" text null, "status" text check ("status" in ('active', 'paused')) not null default 'active', constraint "robots_pkey" primary key ("id"));`);
    this.addSql(`create index "robots_account_idx" on "robots" ("account_id");`);

    this.addSql(`create table "sync_cursors" ("account_id" text not null, "stream" text not null, "symbol" text not null, "time" bigint null, "cursor_id" text null, "exchange_cursor" text null, "updated_at" bigint not null, constraint "sync_cursors_pkey" primary key ("account_id", "stream", "symbol"));`);

    this.addSql(`create table "sync_runs" ("id" serial primary key, "started_at" bigint not null, "finished_at" bigint null, "scope" text not null, "status" text check ("status" in ('running', 'success', 'error', 'partial')) not null default 'running', "accounts_ok" int not null default 0, "accounts_failed" int not null default 0, "rows_new" int not null default 0, "rows_updated" int not null default 0, "rows_skipped" int not null default 0, "api_calls" int not null default 0, "error_message" text null);`);
    this.addSql(`create index "sync_runs_started_idx" on "sync_runs" ("started_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "accounts" cascade;`);

    this.addSql(`drop table if exists "closed_pnl" cascade;`);

    this.addSql(`drop table if exists "executions" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "positions" cascade;`);

    this.addSql(`drop table if exists "robots" cascade;`);

    this.addSql(`drop table if exists "sync_cursors" cascade;`);

    this.addSql(`drop table if exists "sync_runs" cascade;`);
  }

}
