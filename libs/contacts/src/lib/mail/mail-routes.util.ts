/** One SMTP transport and the address mail goes out from. */
export interface MailRoute {
  /** smtp://user:pass@host:port or smtps://… (nodemailer's URL form). */
  url: string;
  /** `care@brand.example` or `Brand Care <care@brand.example>`. */
  from: string;
}

/** Which transport each brand's mail takes: its own (by X username, lower-case), else the global one. */
export interface MailRoutes {
  global?: MailRoute;
  brands: Record<string, MailRoute>;
}

/** The environment variables mail is configured with (apps/gateway and the embedded app validate them at start-up). */
export interface MailEnv {
  SMTP_URL?: string | undefined;
  SMTP_FROM?: string | undefined;
  /** JSON: {"acme_support": {"url": "smtp://…", "from": "Acme Care <care@acme.example>"}, …}; `url` may be left to SMTP_URL. */
  SMTP_BRANDS?: string | undefined;
}

const SMTP_URL = /^smtps?:\/\/[^\s/]+(:\d{1,5})?\/?(\?\S*)?$/;
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
const NAMED_ADDRESS = /^[^<>\r\n]{1,100} <[^\s@<>]+@[^\s@<>]+>$/;
const BRAND = /^@?\w{1,15}$/;

export function isSmtpUrl(value: string): boolean {
  return SMTP_URL.test(value);
}

export function isFromAddress(value: string): boolean {
  return ADDRESS.test(value) || NAMED_ADDRESS.test(value);
}

/**
 * The mail routes of the environment, or the problems with it (each naming its variable), so start-up refuses a bad
 * configuration instead of the first email failing. No SMTP_URL and no SMTP_BRANDS: mail is off (503 mail-not-configured).
 */
export function parseMailRoutes(env: MailEnv): { routes: MailRoutes; problems: string[] } {
  const problems: string[] = [];
  const routes: MailRoutes = { brands: {} };
  if (env.SMTP_URL !== undefined && !isSmtpUrl(env.SMTP_URL)) problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  if (env.SMTP_FROM !== undefined && !isFromAddress(env.SMTP_FROM)) problems.push('SMTP_FROM must be an address (care@brand.example) or "Name <care@brand.example>"');
  if (env.SMTP_URL !== undefined && env.SMTP_FROM === undefined) problems.push('SMTP_FROM is required with SMTP_URL: the address mail goes out from');
  if (env.SMTP_URL !== undefined && env.SMTP_FROM !== undefined && problems.length === 0) routes.global = { url: env.SMTP_URL, from: env.SMTP_FROM };
  if (env.SMTP_BRANDS !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.SMTP_BRANDS);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problems.push('SMTP_BRANDS must be a JSON object: {"brand_username": {"url": "smtp://…", "from": "Name <care@brand.example>"}}');
    } else {
      for (const [brand, value] of Object.entries(parsed as Record<string, unknown>)) {
        const route = value as Partial<Record<'url' | 'from', unknown>> | null;
        const url = typeof route?.url === 'string' ? route.url : env.SMTP_URL;
        const from = route?.from;
        if (!BRAND.test(brand)) problems.push(`SMTP_BRANDS: "${brand}" is not an X username`);
        else if (url === undefined || !isSmtpUrl(url)) problems.push(`SMTP_BRANDS.${brand}.url must be an smtp:// or smtps:// URL (or set SMTP_URL)`);
        else if (typeof from !== 'string' || !isFromAddress(from)) problems.push(`SMTP_BRANDS.${brand}.from must be an address or "Name <address>"`);
        else routes.brands[brand.replace(/^@/, '').toLowerCase()] = { url, from };
      }
    }
  }
  return { routes, problems };
}

/** The route of a brand's mail, or undefined when none is configured. */
export function mailRouteFor(routes: MailRoutes, brand: string): MailRoute | undefined {
  return routes.brands[brand.replace(/^@/, '').toLowerCase()] ?? routes.global;
}

/** The problems of SMTP_BRANDS alone (SMTP_URL is its servers' default), for a config class validating it. */
export function smtpBrandsProblems(smtpBrands: string, smtpUrl: string | undefined): string[] {
  return parseMailRoutes({ SMTP_URL: smtpUrl, SMTP_FROM: 'unused@perch.invalid', SMTP_BRANDS: smtpBrands }).problems.filter((problem) => problem.startsWith('SMTP_BRANDS'));
}
