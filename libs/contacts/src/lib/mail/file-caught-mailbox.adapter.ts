import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { newId } from '@perch/platform';
import { type AddressObject, simpleParser } from 'mailparser';

import { type CaughtMail, type CaughtMailbox } from './caught-mailbox.port';

/**
 * Caught mails as files in a folder (the embedded mode's `<PERCH_DATA_DIR>/mailbox`): `<time>-<id>.eml`, the raw message
 * any mail client opens, beside `<time>-<id>.json`, what the dev mailbox endpoint lists. Survives restarts like the rest.
 */
export class FileCaughtMailbox implements CaughtMailbox {
  constructor(readonly location: string) {}

  async save(raw: Buffer, envelope: { from: string; to: string[] }): Promise<CaughtMail> {
    await mkdir(this.location, { recursive: true, mode: 0o700 });
    const parsed = await simpleParser(raw);
    const receivedAt = new Date();
    const id = newId();
    // Sortable by name: the time first, fixed width.
    const base = `${receivedAt.toISOString().replace(/[:.]/g, '-')}-${id}`;
    const perchHeaders: Record<string, string> = {};
    for (const [name, value] of parsed.headers) {
      if (name.startsWith('x-perch-') && typeof value === 'string') perchHeaders[name] = value;
    }
    const mail: CaughtMail = {
      id,
      receivedAt: receivedAt.toISOString(),
      envelopeFrom: envelope.from,
      envelopeTo: [...envelope.to],
      from: parsed.from?.text ?? '',
      to: addressText(parsed.to),
      subject: parsed.subject ?? '',
      text: (parsed.text ?? '').replace(/\n$/, ''),
      messageId: parsed.messageId ?? null,
      perchHeaders,
      emlFile: join(this.location, `${base}.eml`),
    };
    await writeFile(mail.emlFile, raw, { mode: 0o600 });
    await writeFile(join(this.location, `${base}.json`), JSON.stringify(mail, null, 2), { mode: 0o600 });
    return mail;
  }

  async list(limit: number): Promise<CaughtMail[]> {
    let names: string[];
    try {
      names = await readdir(this.location);
    } catch {
      return [];
    }
    const newest = names.filter((name) => name.endsWith('.json')).sort().reverse().slice(0, limit);
    return Promise.all(newest.map(async (name) => JSON.parse(await readFile(join(this.location, name), 'utf8')) as CaughtMail));
  }
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (value === undefined) return '';
  return (Array.isArray(value) ? value : [value]).map((address) => address.text).join(', ');
}
