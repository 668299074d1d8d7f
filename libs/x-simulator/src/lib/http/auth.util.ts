/**
 * Extracts the token from an Authorization header. Bearer tokens are taken as they are. For OAuth 1.0a
 * headers the oauth_token parameter is the user's token; the signature is NOT verified (the simulator
 * has no consumer secrets), which is enough for clients that sign with OAuth 1.0a.
 */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // The capture group is undefined exactly when the pattern did not match.
  const bearer = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
  if (bearer !== undefined) return bearer.trim();
  if (/^OAuth\s/i.test(header)) {
    const param = /oauth_token="([^"]*)"/.exec(header)?.[1];
    return param === undefined ? undefined : decodeURIComponent(param);
  }
  return undefined;
}
