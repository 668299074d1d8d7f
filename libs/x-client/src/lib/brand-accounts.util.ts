import { errorMessage, ValidationFailedError } from '@perch/platform';

import { type BrandAccount } from './brand-account.types';
import { type XApiPort } from './x-api.port';

/** Parses "acme_support=token1,acme_billing=token2" (X_BRAND_TOKENS); names every malformed entry. */
export function parseBrandTokens(spec: string): { username: string; token: string }[] {
  const entries = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const problems: { field: string; messages: string[] }[] = [];
  const parsed = entries.flatMap((entry, index) => {
    const at = entry.indexOf('=');
    const username = at > 0 ? entry.slice(0, at).replace(/^@/, '') : '';
    const token = at > 0 ? entry.slice(at + 1) : '';
    if (!/^\w{1,15}$/.test(username) || token.length === 0) {
      problems.push({ field: `X_BRAND_TOKENS[${index}]`, messages: ['must be username=token'] });
      return [];
    }
    return [{ username, token }];
  });
  if (entries.length === 0) problems.push({ field: 'X_BRAND_TOKENS', messages: ['must name at least one brand account'] });
  if (problems.length > 0) throw new ValidationFailedError('X_BRAND_TOKENS is invalid', problems);
  return parsed;
}

/**
 * Asks X who each token belongs to, so Perch knows its brand accounts' ids and never trusts a
 * username typed in configuration for a token that belongs to another account.
 */
export async function resolveBrandAccounts(xApi: XApiPort, spec: string): Promise<BrandAccount[]> {
  const wanted = parseBrandTokens(spec);
  return Promise.all(
    wanted.map(async ({ username, token }) => {
      let me;
      try {
        me = await xApi.me(token);
      } catch (error) {
        throw new Error(`could not resolve brand account @${username} with its token: ${errorMessage(error)}`);
      }
      if (me.username.toLowerCase() !== username.toLowerCase()) {
        throw new Error(`the token configured for @${username} belongs to @${me.username}`);
      }
      return { id: me.id, username: me.username, token };
    }),
  );
}
