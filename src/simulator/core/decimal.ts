import { Decimal as DecimalJs } from 'decimal.js';

/**
 * Exchange quantities are decimal strings on the wire; floats would drift after a few thousand
 * fills. A private clone so our precision settings never leak into other parts of the process.
 */
export const Dec = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 60 });
export type Dec = DecimalJs;

export const ZERO = new Dec(0);

export function dec(v: string | number | DecimalJs): DecimalJs {
  return new Dec(v);
}

/** Plain notation with trailing zeros trimmed ("64250.5", "0", "0.00012"). */
export function plain(d: DecimalJs, maxDp = 10): string {
  const s = d.toDecimalPlaces(maxDp, DecimalJs.ROUND_HALF_UP).toFixed();
  return s === '-0' ? '0' : s;
}

/** Fixed decimals, the way Bybit prints quantities ("0.050"). */
export function fixed(d: DecimalJs, dp: number): string {
  const s = d.toFixed(dp, DecimalJs.ROUND_DOWN);
  return s.startsWith('-') && /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

const DECIMAL_TEXT = /^(?:0|[1-9]\d{0,15})(?:\.\d{1,18})?$/;

/** Accepts only plain non-negative decimal text (no exponent, no sign, no spaces). */
export function parseDecimalText(v: unknown): DecimalJs | undefined {
  if (typeof v !== 'string' || !DECIMAL_TEXT.test(v)) return undefined;
  return new Dec(v);
}

/** Number of decimals a step like "0.001" implies. */
export function decimalsOf(step: string): number {
  const i = step.indexOf('.');
  return i < 0 ? 0 : step.length - i - 1;
}
