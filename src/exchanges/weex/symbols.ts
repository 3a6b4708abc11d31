/**
 * robosync speaks Bybit-style symbols (BTCUSDT); WEEX v2 contracts are lower-case with a `cmt_`
 * prefix (cmt_btcusdt, exchange-apis.md B.1). Reports always carry the common spelling.
 */
const WIRE = /^cmt_[a-z0-9]+$/;
const COMMON = /^[A-Za-z0-9]+$/;

export function toWeexSymbol(symbol: string): string {
  if (WIRE.test(symbol)) return symbol;
  if (!COMMON.test(symbol)) throw new Error(`weex: expected a symbol like BTCUSDT, received ${JSON.stringify(symbol)}`);
  return `cmt_${symbol.toLowerCase()}`;
}

/** null when the text is not a WEEX contract symbol. */
export function fromWeexSymbol(wire: string): string | null {
  const w = wire.toLowerCase();
  if (!WIRE.test(w)) return null;
  return w.slice(4).toUpperCase();
}

/** USDT-margined contracts settle (and charge fees) in USDT; '' when the name does not say. */
export function settleCoinOf(symbol: string): string {
  const s = symbol.toUpperCase();
  for (const coin of ['USDT', 'USDC']) if (s.endsWith(coin)) return coin;
  return '';
}
