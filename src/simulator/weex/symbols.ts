/** WEEX contract symbols are lower-case with a cmt_ prefix: BTCUSDT <-> cmt_btcusdt. */
export function toWeexSymbol(core: string): string {
  return `cmt_${core.toLowerCase()}`;
}

export function fromWeexSymbol(s: string): string | undefined {
  const m = /^cmt_([a-z0-9]{2,16}usdt)$/.exec(s);
  return m ? m[1]!.toUpperCase() : undefined;
}
