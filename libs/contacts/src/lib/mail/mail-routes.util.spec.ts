import { mailRouteFor, parseMailRoutes } from './mail-routes.util';

describe('mail routes from the environment', () => {
  it('is off without SMTP_URL or SMTP_BRANDS', () => {
    expect(parseMailRoutes({})).toEqual({ routes: { brands: {} }, problems: [] });
  });

  it('routes every brand through the global transport, and a brand of SMTP_BRANDS through its own (URL defaulting to SMTP_URL)', () => {
    const { routes, problems } = parseMailRoutes({
      SMTP_URL: 'smtp://mail.internal:587',
      SMTP_FROM: 'Acme Care <care@acme.example>',
      SMTP_BRANDS: JSON.stringify({ '@Acme_Billing': { from: 'billing@acme.example' }, other: { url: 'smtps://user:pw@smtp.other.example:465', from: 'care@other.example' } }),
    });
    expect(problems).toEqual([]);
    expect(mailRouteFor(routes, 'acme_support')).toEqual({ url: 'smtp://mail.internal:587', from: 'Acme Care <care@acme.example>' });
    expect(mailRouteFor(routes, 'ACME_BILLING')).toEqual({ url: 'smtp://mail.internal:587', from: 'billing@acme.example' });
    expect(mailRouteFor(routes, 'other')).toEqual({ url: 'smtps://user:pw@smtp.other.example:465', from: 'care@other.example' });
  });

  it('names every bad variable', () => {
    expect(parseMailRoutes({ SMTP_URL: 'http://mail', SMTP_FROM: 'not an address' }).problems).toEqual([
      'SMTP_URL must be an smtp:// or smtps:// URL',
      'SMTP_FROM must be an address (care@brand.example) or "Name <care@brand.example>"',
    ]);
    expect(parseMailRoutes({ SMTP_URL: 'smtp://mail:25' }).problems).toEqual(['SMTP_FROM is required with SMTP_URL: the address mail goes out from']);
    expect(parseMailRoutes({ SMTP_BRANDS: '[1]' }).problems).toEqual([
      'SMTP_BRANDS must be a JSON object: {"brand_username": {"url": "smtp://…", "from": "Name <care@brand.example>"}}',
    ]);
    expect(parseMailRoutes({ SMTP_BRANDS: JSON.stringify({ acme: { from: 'care@acme.example' }, 'not a brand!': {}, b: { url: 'smtp://m:25', from: 'x' } }) }).problems).toEqual([
      'SMTP_BRANDS.acme.url must be an smtp:// or smtps:// URL (or set SMTP_URL)',
      'SMTP_BRANDS: "not a brand!" is not an X username',
      'SMTP_BRANDS.b.from must be an address or "Name <address>"',
    ]);
  });
});
