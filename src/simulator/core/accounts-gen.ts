import type { AccountCredentials } from './account.js';
import { hash32, Rng } from './rng.js';
import type { AccountSpec, ExchangeName } from '../types.js';
import { SimulatorConfigError } from '../options.js';

/**
 * Accounts and keys from the seed: the same seed gives the same ids, UIDs and credentials, so
 * a config written for one run works for the next. Explicit fields in a spec win.
 * Bybit keys are 18 alphanumerics with 36-character secrets; WEEX keys look like weex_<hex>.
 */
export function makeAccounts(seed: number, exchange: ExchangeName, specs: AccountSpec[]): AccountCredentials[] {
  const rng = new Rng(seed, `accounts:${exchange}`);
  const uidBase = 100_000_000 + (hash32(seed, 'uid') % 800_000_000);
  const out: AccountCredentials[] = [];
  const ids = new Set<string>();
  const keys = new Set<string>();
  specs.forEach((s, i) => {
    const genKey = exchange === 'weex' ? `weex_${rng.hex(32)}` : rng.alnum(18);
    const genSecret = exchange === 'weex' ? rng.hex(64) : rng.alnum(36);
    const genPass = rng.alnum(12);
    const c: AccountCredentials = {
      id: s.id ?? `acc-${i + 1}`,
      uid: String(uidBase + i * 7 + 1),
      apiKey: s.apiKey ?? genKey,
      apiSecret: s.apiSecret ?? genSecret,
    };
    if (exchange === 'weex') c.passphrase = s.passphrase ?? genPass;
    if (ids.has(c.id)) throw new SimulatorConfigError(`accounts[${i}].id: expected a unique id, received duplicate ${JSON.stringify(c.id)}`);
    if (keys.has(c.apiKey)) throw new SimulatorConfigError(`accounts[${i}].apiKey: expected a unique key, received a duplicate`);
    ids.add(c.id);
    keys.add(c.apiKey);
    out.push(c);
  });
  return out;
}
