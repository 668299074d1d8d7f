import type { CallRequest, CallRequested, Contact, EmailRequest, EmailSent, InteractionContact, InteractionView, SaveCustomerRequest, UpdateContactRequest } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';

import { ApiError, errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { useDesk } from './desk.hook';
import { FormError } from './form-error.component';
import { newIdempotencyKey } from './idempotency.util';

type Form = 'save' | 'edit' | 'email' | 'call' | null;

/** A phone number as the contacts keep it: digits, with a leading + if there was one. */
export function phoneKey(phone: string): string {
  return `${phone.trim().startsWith('+') ? '+' : ''}${phone.replace(/\D/g, '')}`;
}

/**
 * Which form reaching the customer at `address` opens: the email or call form when the contact has it (or when no
 * address is named), else the contact to edit (or to save) with it added.
 */
export function reachForm(contact: Pick<Contact, 'emails' | 'phones'> | null, channel: 'email' | 'call', address: string): { form: Exclude<Form, null>; add: string } {
  if (!contact) return { form: 'save', add: address };
  const known = channel === 'email' ? contact.emails.includes(address.trim().toLowerCase()) : contact.phones.includes(phoneKey(address));
  if (address === '' || known) return { form: channel, add: '' };
  return { form: 'edit', add: address };
}

/** Splits "a@x.com, b@y.org" or one per line into a list. */
export function listOf(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * The customer's contact record (matched by their X account): save them as a contact, edit their emails, phones and
 * notes, and reach them on another channel: an email (sent by the mail transport) or a call request (for the
 * telephony system). What is sent lands in the transcript.
 */
export function ContactPanel({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { state, dispatch } = useDesk();
  const [found, setFound] = useState<InteractionContact | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<Form>(null);
  const [prefill, setPrefill] = useState<{ channel: 'email' | 'call'; address: string } | null>(null);
  const handled = useRef(0);
  const panel = useRef<HTMLElement>(null);
  const completed = view.state === 'completed';

  const load = useCallback(async () => {
    try {
      setFound(await api.get<InteractionContact>(`/api/interactions/${view.id}/contact`));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, [api, view.id]);

  useEffect(() => {
    setForm(null);
    setFound(null);
    void load();
  }, [load]);

  const contact = found?.contact ?? null;
  // An address or number clicked in the transcript, or "Email instead" in the composer: the right form, prefilled.
  const reach = state.reach;
  useEffect(() => {
    if (!reach || reach.interactionId !== view.id || !found || reach.seq === handled.current) return;
    handled.current = reach.seq;
    const next = reachForm(found.contact, reach.channel, reach.address);
    setPrefill({ channel: reach.channel, address: next.form === reach.channel ? reach.address : next.add });
    setForm(next.form);
    panel.current?.scrollIntoView({ block: 'nearest' });
  }, [reach, found, view.id]);
  const emailFor = prefill?.channel === 'email' ? prefill.address : '';
  const phoneFor = prefill?.channel === 'call' ? prefill.address : '';
  const saved = (next: Contact): void => {
    setFound((previous) => (previous ? { ...previous, contact: next } : previous));
    // Saved to reach them: on to the email or the call.
    setForm(prefill && reachForm(next, prefill.channel, prefill.address).form === prefill.channel ? prefill.channel : null);
  };
  const sent = (entry: EmailSent['entry'] | CallRequested['entry']): void => {
    dispatch({ type: 'entry', interactionId: view.id, entry });
    setForm(null);
    setPrefill(null);
  };

  return (
    <section className="contact" data-testid="contact-panel" aria-labelledby="contact-title" ref={panel}>
      <h3 id="contact-title">Contact</h3>
      <FormError error={error} testId="contact-error" />
      {found && !contact && (
        <p className="muted" data-testid="contact-none">
          Not in your contacts yet.{' '}
          <button type="button" className="text-button" data-testid="contact-save-open" onClick={() => setForm(form === 'save' ? null : 'save')}>
            Save as contact
          </button>
        </p>
      )}
      {contact && (
        <div data-testid="contact-record" data-contact-id={contact.id}>
          <p className="contact-name" data-testid="contact-name">
            {contact.name}
          </p>
          <dl className="contact-fields">
            <dt>Email</dt>
            <dd data-testid="contact-emails">{contact.emails.length ? contact.emails.join(', ') : <span className="muted">none</span>}</dd>
            <dt>Phone</dt>
            <dd data-testid="contact-phones">{contact.phones.length ? contact.phones.join(', ') : <span className="muted">none</span>}</dd>
            {contact.notes && (
              <>
                <dt>Notes</dt>
                <dd data-testid="contact-notes">{contact.notes}</dd>
              </>
            )}
          </dl>
          <div className="contact-actions">
            <button type="button" className="secondary" data-testid="contact-email-open" disabled={completed || contact.emails.length === 0} title={contact.emails.length ? 'Email the customer' : 'Add an email address first'} onClick={() => setForm(form === 'email' ? null : 'email')}>
              Email
            </button>
            <button type="button" className="secondary" data-testid="contact-call-open" disabled={completed || contact.phones.length === 0} title={contact.phones.length ? 'Ask the phone system to call them' : 'Add a phone number first'} onClick={() => setForm(form === 'call' ? null : 'call')}>
              Call
            </button>
            <button type="button" className="text-button" data-testid="contact-edit-open" onClick={() => setForm(form === 'edit' ? null : 'edit')}>
              Edit
            </button>
          </div>
        </div>
      )}
      {form === 'save' && found && <SaveContactForm view={view} defaultName={found.author.name} email={emailFor} phone={phoneFor} onSaved={saved} onExisting={() => void load().then(() => setForm(null))} />}
      {form === 'edit' && contact && <EditContactForm contact={contact} email={emailFor} phone={phoneFor} onSaved={saved} />}
      {form === 'email' && contact && <EmailForm view={view} contact={contact} to={emailFor} onSent={sent} />}
      {form === 'call' && contact && <CallForm view={view} contact={contact} phone={phoneFor} onSent={sent} />}
    </section>
  );
}

interface SaveProps {
  view: InteractionView;
  defaultName: string;
  email: string;
  phone: string;
  onSaved: (contact: Contact) => void;
  onExisting: () => void;
}

function SaveContactForm({ view, defaultName, email, phone, onSaved, onExisting }: SaveProps): ReactNode {
  const { api } = useSession();
  const [name, setName] = useState(defaultName);
  const [emails, setEmails] = useState(email);
  const [phones, setPhones] = useState(phone);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    const body: SaveCustomerRequest = { ...(name.trim() ? { name: name.trim() } : {}), emails: listOf(emails), phones: listOf(phones), ...(notes.trim() ? { notes: notes.trim() } : {}) };
    try {
      onSaved(await api.post<Contact>(`/api/interactions/${view.id}/contact`, body));
    } catch (e) {
      // Saved meanwhile (by a colleague): show that one.
      if (e instanceof ApiError && e.code === 'contact-x-user-taken') onExisting();
      else setError(errorText(e));
    }
  }

  return (
    <form className="contact-form" data-testid="contact-save-form" onSubmit={(event) => void save(event)}>
      <label htmlFor="contact-save-name">Name</label>
      <input id="contact-save-name" data-testid="contact-form-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="contact-save-emails">Emails</label>
      <input id="contact-save-emails" data-testid="contact-form-emails" value={emails} placeholder="one@example.com, other@example.com" onChange={(e) => setEmails(e.target.value)} />
      <label htmlFor="contact-save-phones">Phones</label>
      <input id="contact-save-phones" data-testid="contact-form-phones" value={phones} placeholder="+33 6 12 34 56 78" onChange={(e) => setPhones(e.target.value)} />
      <label htmlFor="contact-save-notes">Notes</label>
      <textarea id="contact-save-notes" data-testid="contact-form-notes" rows={2} maxLength={4000} value={notes} onChange={(e) => setNotes(e.target.value)} />
      <FormError error={error} testId="contact-form-error" />
      <button type="submit" className="primary" data-testid="contact-form-save">
        Save contact
      </button>
    </form>
  );
}

function EditContactForm({ contact, email, phone, onSaved }: { contact: Contact; email: string; phone: string; onSaved: (contact: Contact) => void }): ReactNode {
  const { api } = useSession();
  const [emails, setEmails] = useState([...contact.emails, ...(email ? [email] : [])].join(', '));
  const [phones, setPhones] = useState([...contact.phones, ...(phone ? [phone] : [])].join(', '));
  const [notes, setNotes] = useState(contact.notes);
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    const body: UpdateContactRequest = { emails: listOf(emails), phones: listOf(phones), notes, expectedVersion: contact.version };
    try {
      onSaved(await api.patch<Contact>(`/api/contacts/${contact.id}`, body));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'contact-changed' ? 'A colleague changed this contact meanwhile: close and open it again.' : errorText(e));
    }
  }

  return (
    <form className="contact-form" data-testid="contact-edit-form" onSubmit={(event) => void save(event)}>
      <label htmlFor="contact-edit-emails">Emails</label>
      <input id="contact-edit-emails" data-testid="contact-form-emails" value={emails} onChange={(e) => setEmails(e.target.value)} />
      <label htmlFor="contact-edit-phones">Phones</label>
      <input id="contact-edit-phones" data-testid="contact-form-phones" value={phones} onChange={(e) => setPhones(e.target.value)} />
      <label htmlFor="contact-edit-notes">Notes</label>
      <textarea id="contact-edit-notes" data-testid="contact-form-notes" rows={2} maxLength={4000} value={notes} onChange={(e) => setNotes(e.target.value)} />
      <FormError error={error} testId="contact-form-error" />
      <button type="submit" className="primary" data-testid="contact-form-save">
        Save
      </button>
    </form>
  );
}

/** One idempotency key per press of Send: a retry after a network error or a 503 reuses it (never sent twice). */
function useActionKey(): { key: () => string; done: () => void } {
  const current = useRef<string | null>(null);
  return {
    key: () => (current.current ??= newIdempotencyKey()),
    done: () => {
      current.current = null;
    },
  };
}

/** A form's send under one idempotency key per press (useActionKey), with its busy state and refusal. */
function useKeyedSend<T>(send: (idempotencyKey: string) => Promise<T>, onSent: (result: T) => void): { error: string | null; busy: boolean; submit: (event: FormEvent) => Promise<void> } {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const action = useActionKey();

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await send(action.key());
      action.done();
      onSent(result);
    } catch (e) {
      // A refusal is final (a new press is a new request); a network error or 503 keeps the key for the retry.
      if (e instanceof ApiError && e.status !== 503) action.done();
      setError(errorText(e));
      setBusy(false);
    }
  }
  return { error, busy, submit };
}

/** A labelled choice among the contact's addresses; its id is also its test id. */
function ChoiceField({ id, label, options, value, onChange }: { id: string; label: string; options: readonly string[]; value: string; onChange: (value: string) => void }): ReactNode {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </>
  );
}

function EmailForm({ view, contact, to: chosen, onSent }: { view: InteractionView; contact: Contact; to: string; onSent: (entry: EmailSent['entry']) => void }): ReactNode {
  const { api } = useSession();
  const [to, setTo] = useState(contact.emails.includes(chosen.toLowerCase()) ? chosen.toLowerCase() : (contact.emails[0] ?? ''));
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const { error, busy, submit } = useKeyedSend(
    (idempotencyKey) => api.post<EmailSent>(`/api/interactions/${view.id}/email`, { to, subject, text, idempotencyKey } satisfies EmailRequest),
    (result) => onSent(result.entry),
  );

  return (
    <form className="contact-form" data-testid="email-form" onSubmit={(event) => void submit(event)}>
      <ChoiceField id="email-to" label="To" options={contact.emails} value={to} onChange={setTo} />
      <label htmlFor="email-subject">Subject</label>
      <input id="email-subject" data-testid="email-subject" maxLength={200} required value={subject} onChange={(e) => setSubject(e.target.value)} />
      <label htmlFor="email-text">Message</label>
      <textarea id="email-text" data-testid="email-text" rows={4} maxLength={20000} required value={text} onChange={(e) => setText(e.target.value)} />
      <FormError error={error} testId="email-error" />
      <button type="submit" className="primary" data-testid="email-send" disabled={busy}>
        Send email
      </button>
    </form>
  );
}

function CallForm({ view, contact, phone: chosen, onSent }: { view: InteractionView; contact: Contact; phone: string; onSent: (entry: CallRequested['entry']) => void }): ReactNode {
  const { api } = useSession();
  const [phone, setPhone] = useState(contact.phones.includes(phoneKey(chosen)) ? phoneKey(chosen) : (contact.phones[0] ?? ''));
  const [reason, setReason] = useState('');
  const { error, busy, submit } = useKeyedSend(
    (idempotencyKey) =>
      api.post<CallRequested>(`/api/interactions/${view.id}/call`, { phone, ...(reason.trim() ? { reason: reason.trim() } : {}), idempotencyKey } satisfies CallRequest),
    (result) => onSent(result.entry),
  );

  return (
    <form className="contact-form" data-testid="call-form" onSubmit={(event) => void submit(event)}>
      <ChoiceField id="call-phone" label="Number" options={contact.phones} value={phone} onChange={setPhone} />
      <label htmlFor="call-reason">Reason</label>
      <input id="call-reason" data-testid="call-reason" maxLength={500} value={reason} placeholder="Optional: what the call is about" onChange={(e) => setReason(e.target.value)} />
      <FormError error={error} testId="call-error" />
      <button type="submit" className="primary" data-testid="call-send" disabled={busy}>
        Request the call
      </button>
    </form>
  );
}
