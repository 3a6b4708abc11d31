/**
 * JSON parsing that keeps int64 ids exact. WEEX v2 fills send `tradeId` / `orderId` as JSON
 * numbers above 2^53 (exchange-apis.md B.4.1); JSON.parse would round them to the nearest double
 * and two different fills could collide. Node 20's JSON.parse gives revivers no access to the
 * source text, so the text is rewritten first: integer literals are quoted when their key is an
 * id field, or when they are too large for a double to hold exactly (better a string than a
 * silently different number). Everything else goes through JSON.parse untouched, so invalid JSON
 * still fails the same way.
 */
export const WEEX_ID_FIELDS: ReadonlySet<string> = new Set([
  'tradeId',
  'orderId',
  'order_id',
  'id',
  'account_id',
  'coin_id',
  'contract_id',
  'separated_open_order_id',
  'created_match_sequence_id',
  'updated_match_sequence_id',
]);

export function parseJsonKeepingIds(text: string, idFields: ReadonlySet<string> = WEEX_ID_FIELDS): unknown {
  return JSON.parse(quoteIdNumbers(text, idFields));
}

/** The rewriting step on its own (exported for tests). */
export function quoteIdNumbers(text: string, idFields: ReadonlySet<string> = WEEX_ID_FIELDS): string {
  let out = '';
  let copiedTo = 0;
  // The key whose value comes next: set by `"key":`, cleared once a value starts.
  let key: string | null = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) break; // unterminated: leave it to JSON.parse to complain
      let j = end;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      key = text.charCodeAt(j) === 0x3a /* : */ ? safeKey(text.slice(i, end)) : null;
      i = end;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const literal = text.slice(i, j);
      if (/^-?\d+$/.test(literal) && ((key !== null && idFields.has(key)) || !isSafeIntegerLiteral(literal))) {
        out += `${text.slice(copiedTo, i)}"${literal}"`;
        copiedTo = j;
      }
      key = null;
      i = j;
      continue;
    }
    // Arrays inherit nothing: `"ids":[1,2]` keeps its numbers (no such WEEX field is an id list).
    if (c === 0x5b /* [ */ || c === 0x7b /* { */ || c === 0x2c /* , */) key = null;
    i++;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

/** Index just past the closing quote of the string starting at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

function safeKey(quoted: string): string | null {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
function isSafeIntegerLiteral(literal: string): boolean {
  const digits = literal.startsWith('-') ? literal.slice(1) : literal;
  if (digits.length < 16) return true;
  return BigInt(digits) <= MAX_SAFE;
}
