/**
 * Extracts the token from an Authorization header. Bearer tokens are taken as they are. For OAuth 1.0a
 * headers the oauth_token parameter is the user's token; the signature is NOT verified (the simulator
 * has no consumer secrets), which is enough for clients that sign with OAuth 1.0a.
 */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (bearer) return bearer[1]!.trim();
  if (/^OAuth\s/i.test(header)) {
    const param = /oauth_token="([^"]*)"/.exec(header);
    return param ? decodeURIComponent(param[1]!) : undefined;
  }
  return undefined;
}
