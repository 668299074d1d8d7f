import { type SmtpMailSender } from '@perch/contacts';

// The distributed apps are built from these entry points. What only tests or the embedded app need (PGlite, the local
// mail catcher, the test harnesses, the X simulator) lives behind @perch/<lib>/testing and /embedded, so a production
// process neither loads it nor holds it in memory (the gateway carried ~40 modules of it, pglite's 0.5 MB among them).
const STAND_INS = ['@electric-sql/pglite', 'smtp-server', 'mailparser', '@perch/testing', '@perch/x-simulator'];
const HARNESSES = [
  '../../../libs/gateway/src/lib/testing/gateway-testbed.fixtures',
  '../../../libs/gateway/src/lib/testing/agent-socket-probe.fixtures',
  '../../../libs/sql/src/lib/testing/pglite-worker-sql-client.adapter',
  '../../../libs/sql/src/lib/testing/pglite-spec-schemas.fixtures',
  '../../../libs/sql/src/lib/pglite-sql-client.adapter',
  '../../../libs/contacts/src/lib/mail/smtp-catcher.adapter',
  '../../../libs/contacts/src/lib/mail/file-caught-mailbox.adapter',
];
const PRODUCTION_ENTRY_POINTS = [
  '@perch/agents',
  '@perch/audit',
  '@perch/classification',
  '@perch/contacts',
  '@perch/contracts',
  '@perch/gateway',
  '@perch/ingestion',
  '@perch/interactions',
  '@perch/messaging',
  '@perch/outbound',
  '@perch/platform',
  '@perch/routing',
  '@perch/service-kit',
  '@perch/sql',
  '@perch/x-client',
];

const CONTACTS_ENTRY_POINT = PRODUCTION_ENTRY_POINTS.find((entry) => entry.endsWith('/contacts')) ?? '';

// Named in a list, not in require('...') literals: Nx would take those for lazy loading of the libraries.
const NON_PRODUCTION_ENTRY_POINTS = ['@perch/sql/embedded', '@perch/contacts/embedded', '@perch/gateway/testing'];

describe('the entry points the distributed apps are built from', () => {
  beforeEach(() => jest.resetModules());

  /** Which stand-ins and harnesses loading `entries` pulls in (each replaced by a recorder, so nothing runs). */
  function loadedBy(entries: readonly string[]): string[] {
    const loaded: string[] = [];
    for (const name of [...STAND_INS, ...HARNESSES]) {
      jest.doMock(name, () => {
        loaded.push(name);
        return {};
      });
    }
    jest.isolateModules(() => {
      for (const entry of entries) require(entry);
    });
    return loaded.sort();
  }

  it.each(PRODUCTION_ENTRY_POINTS)('%s loads no test harness and no embedded stand-in', (entry) => {
    expect(loadedBy([entry])).toEqual([]);
  });

  it('would notice one: the embedded and testing entry points load their stand-ins', () => {
    expect(loadedBy(NON_PRODUCTION_ENTRY_POINTS)).toEqual(HARNESSES.filter((path) => !path.includes('/sql/src/lib/testing/')).sort());
  });
});

// nodemailer is 35 modules and 1.9 MB of heap that most gateways never use: loaded with the first email (ADR 20 amendment).
describe('nodemailer in a production process', () => {
  beforeEach(() => jest.resetModules());

  function recordNodemailer(loaded: string[]): void {
    jest.doMock('nodemailer', () => {
      loaded.push('nodemailer');
      return { createTransport: () => ({ sendMail: async () => ({ messageId: '<m@test>', accepted: ['customer@example.com'] }), close: () => undefined }) };
    });
  }

  it('is not loaded by any production entry point', () => {
    const loaded: string[] = [];
    recordNodemailer(loaded);
    jest.isolateModules(() => {
      for (const entry of PRODUCTION_ENTRY_POINTS) require(entry);
    });
    expect(loaded).toEqual([]);
  });

  it('is loaded once, by the first email sent', async () => {
    const loaded: string[] = [];
    recordNodemailer(loaded);
    let Sender: typeof SmtpMailSender | undefined;
    jest.isolateModules(() => {
      ({ SmtpMailSender: Sender } = require(CONTACTS_ENTRY_POINT) as { SmtpMailSender: typeof SmtpMailSender });
    });
    if (Sender === undefined) throw new Error('@perch/contacts exports no SmtpMailSender');
    const sender = new Sender({ global: { url: 'smtp://127.0.0.1:2525', from: 'care@acme.example' }, brands: {} });
    expect(loaded).toEqual([]);
    const mail = { brand: 'acme_support', to: 'customer@example.com', subject: 'Your order', text: 'Hello' };
    await expect(Promise.all([sender.send(mail), sender.send(mail)])).resolves.toHaveLength(2);
    await sender.send(mail);
    expect(loaded).toEqual(['nodemailer']);
  });
});
