import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConflictError, RetryableError } from '@perch/platform';

import { ContactErrorCode } from '../contacts.errors';
import { FileCaughtMailbox } from './file-caught-mailbox.adapter';
import { SmtpCatcher } from './smtp-catcher.adapter';
import { SmtpMailSender } from './smtp-mail-sender.adapter';

// Real SMTP end to end: nodemailer speaks to the embedded mode's catcher (smtp-server) on a loopback port, which
// parses each mail (mailparser) into the data folder; the test reads it back from there.
describe('SmtpMailSender through the SMTP catcher', () => {
  let dir: string;
  let catcher: SmtpCatcher;
  let mailbox: FileCaughtMailbox;
  let sender: SmtpMailSender;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perch-mail-'));
    mailbox = new FileCaughtMailbox(join(dir, 'mailbox'));
    catcher = new SmtpCatcher({ mailbox, port: 0 });
    await catcher.start();
    sender = new SmtpMailSender({
      global: { url: catcher.url, from: 'Acme Care <care@acme.example>' },
      brands: { other_brand: { url: catcher.url, from: 'other@other.example' } },
    });
  });

  afterAll(async () => {
    await sender.close();
    await catcher.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends nothing once closed, even a mail whose transport was still being made when close() came', async () => {
    const late = new SmtpMailSender({ global: { url: catcher.url, from: 'care@acme.example' }, brands: {} });
    const before = (await mailbox.list(100)).length;
    // close() lands while send() awaits nodemailer's load: the transport it would make must not be made.
    const sending = late.send({ brand: 'acme_support', to: 'late@example.com', subject: 'late', text: 'after close' });
    await late.close();

    await expect(sending).rejects.toMatchObject({ constructor: RetryableError, code: ContactErrorCode.MailUnavailable });
    await expect(late.send({ brand: 'acme_support', to: 'later@example.com', subject: 'later', text: 'after close' })).rejects.toBeInstanceOf(RetryableError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await mailbox.list(100)).toHaveLength(before);
  });

  it('delivers the mail over SMTP and the catcher keeps it, parsed, with the raw message beside it', async () => {
    const sent = await sender.send({
      brand: 'acme_support',
      to: 'dana@example.com',
      subject: 'Your order #1234 — refund',
      text: 'Hello Dana,\nyour refund is on its way.\n– Ada, Acme',
      headers: { 'X-Perch-Interaction-Id': '0b5d0f7e-1f0e-4d55-9a37-1a2b3c4d5e6f', 'X-Perch-Agent-Id': 'ada' },
    });
    expect(sent).toEqual({ messageId: expect.stringMatching(/^<.+@.+>$/), from: 'Acme Care <care@acme.example>', accepted: ['dana@example.com'] });

    const [caught] = await mailbox.list(10);
    expect(caught).toMatchObject({
      envelopeFrom: 'care@acme.example',
      envelopeTo: ['dana@example.com'],
      from: '"Acme Care" <care@acme.example>',
      to: 'dana@example.com',
      subject: 'Your order #1234 — refund',
      text: 'Hello Dana,\nyour refund is on its way.\n– Ada, Acme',
      messageId: sent.messageId,
      perchHeaders: { 'x-perch-interaction-id': '0b5d0f7e-1f0e-4d55-9a37-1a2b3c4d5e6f', 'x-perch-agent-id': 'ada' },
    });
    expect(await readFile(caught?.emlFile ?? '', 'utf8')).toContain('Subject: ');
  });

  it("sends a brand's mail from its own address, and lists caught mails newest first", async () => {
    await sender.send({ brand: '@Other_Brand', to: 'eli@example.com', subject: 'Second', text: 'two' });
    const listed = await mailbox.list(10);
    expect(listed.map((mail) => mail.subject)).toEqual(['Second', 'Your order #1234 — refund']);
    expect(listed[0]?.envelopeFrom).toBe('other@other.example');
    expect(await mailbox.list(1)).toHaveLength(1);
  });

  it('refuses a brand with no transport configured, and says an unreachable server sent nothing', async () => {
    const none = new SmtpMailSender({ brands: {} });
    expect(none.canSendFor('acme_support')).toBe(false);
    await expect(none.send({ brand: 'acme_support', to: 'a@b.example', subject: 's', text: 't' })).rejects.toMatchObject({
      code: ContactErrorCode.MailNotConfigured,
    });
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = new SmtpMailSender({ global: { url: `smtp://127.0.0.1:${closedPort}`, from: 'care@acme.example' }, brands: {} });
    try {
      const failure = await unreachable.send({ brand: 'acme_support', to: 'a@b.example', subject: 's', text: 't' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RetryableError);
      expect(failure).toMatchObject({ code: ContactErrorCode.MailUnavailable });
    } finally {
      await unreachable.close();
    }
  });

  it('says the server refused a message it rejected, in its words', async () => {
    const strict = new SmtpCatcher({ mailbox, port: 0, maxBytes: 200 });
    await strict.start();
    const small = new SmtpMailSender({ global: { url: strict.url, from: 'care@acme.example' }, brands: {} });
    try {
      const failure = await small.send({ brand: 'acme_support', to: 'a@b.example', subject: 'big', text: 'x'.repeat(5000) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConflictError);
      expect(failure).toMatchObject({ code: ContactErrorCode.MailRefused });
    } finally {
      await small.close();
      await strict.stop();
    }
  });
});
