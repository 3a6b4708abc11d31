import { ZERO, type Dec } from './decimal.js';
import type { PositionTotals, Side, SimPosition } from './records.js';

export interface FillEffect {
  /** Quantity that reduced an existing position. */
  closedQty: Dec;
  /** Entry value (avg entry x closed qty) of the closed part. */
  entryValue: Dec;
  /** Gross PnL of the closed part, before fees. */
  grossPnl: Dec;
  /** Share of the position's entry fees that belongs to the closed part. */
  openFeeShare: Dec;
  /** Share of this fill's fee attributable to closing. */
  closeFee: Dec;
}

/**
 * One-way mode (positionIdx 0): a fill first reduces an opposite position, and any remainder
 * opens a new one at the fill price. Fees are realised immediately (Bybit's cumRealisedPnl
 * includes trading fees and funding); curRealisedPnl restarts when a new position opens.
 */
export function applyFill(p: SimPosition, side: Side, qty: Dec, price: Dec, fee: Dec, at: number): FillEffect {
  const s = side === 'Buy' ? 1 : -1;
  const abs = p.size.abs();
  const effect: FillEffect = { closedQty: ZERO, entryValue: ZERO, grossPnl: ZERO, openFeeShare: ZERO, closeFee: ZERO };
  let openQty = qty;
  let openFee = fee;

  if (!p.size.isZero() && p.size.isPositive() !== (s > 0)) {
    const closed = Dec_min(qty, abs);
    const dir = p.size.isPositive() ? 1 : -1;
    effect.closedQty = closed;
    effect.entryValue = p.avgPrice.times(closed);
    effect.grossPnl = price.minus(p.avgPrice).times(closed).times(dir);
    effect.openFeeShare = p.openFee.times(closed).div(abs);
    effect.closeFee = fee.times(closed).div(qty);
    p.openFee = p.openFee.minus(effect.openFeeShare);
    p.size = p.size.plus(closed.times(s));
    const t = p.totals;
    t.closeSize = t.closeSize.plus(closed);
    t.closeValue = t.closeValue.plus(price.times(closed));
    t.closeFee = t.closeFee.plus(effect.closeFee);
    const realised = effect.grossPnl.minus(effect.closeFee);
    p.cumRealisedPnl = p.cumRealisedPnl.plus(realised);
    p.curRealisedPnl = p.curRealisedPnl.plus(realised);
    openQty = qty.minus(closed);
    openFee = fee.minus(effect.closeFee);
    if (p.size.isZero()) {
      p.avgPrice = ZERO;
      p.openFee = ZERO;
      p.openTime = 0;
    }
  }

  if (openQty.gt(0)) {
    if (p.size.isZero()) {
      p.avgPrice = price;
      p.openFee = ZERO;
      p.curRealisedPnl = ZERO;
      p.openTime = at;
      p.totals = emptyTotals();
    } else {
      const a = p.size.abs();
      p.avgPrice = p.avgPrice.times(a).plus(price.times(openQty)).div(a.plus(openQty));
    }
    p.size = p.size.plus(openQty.times(s));
    p.openFee = p.openFee.plus(openFee);
    p.totals.openSize = p.totals.openSize.plus(openQty);
    p.totals.openValue = p.totals.openValue.plus(price.times(openQty));
    p.totals.openFee = p.totals.openFee.plus(openFee);
    p.cumRealisedPnl = p.cumRealisedPnl.minus(openFee);
    p.curRealisedPnl = p.curRealisedPnl.minus(openFee);
  }
  p.updatedTime = at;
  p.changedAt = at;
  return effect;
}

function Dec_min(a: Dec, b: Dec): Dec {
  return a.lt(b) ? a : b;
}

export function unrealisedPnl(p: SimPosition, mark: Dec): Dec {
  if (p.size.isZero()) return ZERO;
  return mark.minus(p.avgPrice).times(p.size);
}

export function emptyTotals(): PositionTotals {
  return { openSize: ZERO, openValue: ZERO, openFee: ZERO, closeSize: ZERO, closeValue: ZERO, closeFee: ZERO, fundingFee: ZERO };
}
