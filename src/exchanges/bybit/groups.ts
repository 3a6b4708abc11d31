/**
 * Account-wide list calls (open orders, positions) cost one call per settle coin instead of one
 * per symbol: linear symbols settle in USDT (`*USDT`) or USDC (`*PERP`, `*USDC`). A symbol whose
 * settle coin cannot be told from its name is queried on its own.
 *
 * Several groups mean several Bybit cursor chains behind one opaque page token, so the token
 * records which group it pages and that group's Bybit cursor.
 */
export interface QueryGroup {
  by: 'settleCoin' | 'symbol';
  value: string;
}

export function settleCoinOf(symbol: string): 'USDT' | 'USDC' | null {
  if (symbol.endsWith('USDT')) return 'USDT';
  if (symbol.endsWith('PERP') || symbol.endsWith('USDC')) return 'USDC';
  return null;
}

/** Deterministic: the same symbols always give the same groups in the same order. */
export function groupSymbols(symbols: readonly string[]): QueryGroup[] {
  if (symbols.length === 0) return [{ by: 'settleCoin', value: 'USDT' }];
  const coins = new Set<string>();
  const loose = new Set<string>();
  for (const s of symbols) {
    const coin = settleCoinOf(s);
    if (coin) coins.add(coin);
    else loose.add(s);
  }
  return [
    ...[...coins].sort().map((value) => ({ by: 'settleCoin' as const, value })),
    ...[...loose].sort().map((value) => ({ by: 'symbol' as const, value })),
  ];
}

export interface GroupCursor {
  group: number;
  /** The Bybit cursor inside that group; '' for its first page. */
  inner: string;
}

export function encodeGroupCursor(groups: QueryGroup[], c: GroupCursor): string {
  const g = groups[c.group]!;
  return Buffer.from(JSON.stringify({ by: g.by, v: g.value, c: c.inner }), 'utf8').toString('base64url');
}

export function decodeGroupCursor(groups: QueryGroup[], token: string | null): GroupCursor {
  if (token === null) return { group: 0, inner: '' };
  let parsed: { by?: unknown; v?: unknown; c?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw new Error('bybit: page cursor is not one this adapter issued');
  }
  const group = groups.findIndex((g) => g.by === parsed.by && g.value === parsed.v);
  if (group < 0 || typeof parsed.c !== 'string') throw new Error('bybit: page cursor does not belong to this query (symbols changed between pages?)');
  return { group, inner: parsed.c };
}
