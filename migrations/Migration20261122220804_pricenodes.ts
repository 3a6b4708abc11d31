import { Migration } from '@mikro-orm/migrations';

export class Migration20261122220804_pricenodes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "klines" ("exchange" text not null, "symbol" text not null, "timeframe" text not null, "open_time" bigint not null, "close_time" bigint not null, "open" numeric not null, "high" numeric not null, "low" numeric not null, "close" numeric not null, "volume" numeric not null, "quote_volume" numeric null, "trade_count" int null, "taker_buy_volume" numeric null, "taker_buy_quote_volume" numeric null, constraint "klines_pkey" primary key ("exchange", "symbol", "timeframe", "open_time"));`);

    this.addSql(`create table "market_series" ("exchange" text not null, "symbol" text not null, "stream" text not null, "first_time" bigint not null, "last_time" bigint not null, "row_count" bigint not null default 0, "updated_at" bigint not null, constraint "market_series_pkey" primary key ("exchange", "symbol", "stream"));`);

    this.addSql(`create table "node_sync_status" ("node_id" int not null, "exchange" text not null, "symbol" text not null, "stream" text not null, "last_time" bigint null, "state" text check ("state" in ('pending', 'syncing', 'completed', 'failed')) not null default 'pending', "error" text null, "rows_total" bigint not null default 0, "last_run_rows" int not null default 0, "updated_at" bigint not null, constraint "node_sync_status_pkey" primary key ("node_id", "exchange", "symbol", "stream"));`);

    this.addSql(`create table "price_nodes" ("id" serial primary key, "name" text not null, "base_url" text not null, "api_key" text null, "interval_ms" bigint not null, "priority" smallint not null default 5, "active" boolean not null default true, "symbols" text[] not null default '{}', "created_at" bigint not null, "updated_at" bigint not null, "last_run_at" bigint null, "last_success_at" bigint null, "last_error" text null, "failures" int not null default 0, "next_run_at" bigint null);`);
    this.addSql(`alter table "price_nodes" add constraint "price_nodes_name_unique" unique ("name");`);

    this.addSql(`create table "tickers" ("exchange" text not null, "symbol" text not null, "time" bigint not null, "price" numeric not null, "bid" numeric null, "ask" numeric null, "volume_24h" numeric null, "turnover_24h" numeric null, "change_24h" numeric null, "high_24h" numeric null, "low_24h" numeric null, constraint "tickers_pkey" primary key ("exchange", "symbol", "time"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "klines" cascade;`);

    this.addSql(`drop table if exists "market_series" cascade;`);

    this.addSql(`drop table if exists "node_sync_status" cascade;`);

    this.addSql(`drop table if exists "price_nodes" cascade;`);

    this.addSql(`drop table if exists "tickers" cascade;`);
  }

}
