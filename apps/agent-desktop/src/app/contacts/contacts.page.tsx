import type { Contact, ContactPage, HistoryPage } from '@perch/desktop-api';
import { type ReactNode, useEffect, useState } from 'react';

import { useDebouncedGet } from '../core/debounced-get.hook';
import { useSession } from '../core/session.hook';
import { TopBar } from '../core/top-bar.component';

/** The contact database: search by name, email, phone or X handle; a contact's details and their conversations. */
export function ContactsPage(): ReactNode {
  const { api } = useSession();
  const [q, setQ] = useState('');
  const [page, setPage] = useState<ContactPage | null>(null);
  const [chosen, setChosen] = useState<Contact | null>(null);
  const [error, setError] = useState<string | null>(null);

  const query = new URLSearchParams({ limit: '50', ...(q.trim() ? { q: q.trim() } : {}) });
  useDebouncedGet<ContactPage>(
    api,
    `/api/contacts?${query.toString()}`,
    (found) => {
      setPage(found);
      setError(null);
    },
    setError,
  );

  return (
    <>
      <TopBar />
      <main id="main" className="contacts-page" data-testid="contacts-page">
        <section className="contacts-search" aria-label="Contacts">
          <h1>Contacts</h1>
          <input type="search" data-testid="contacts-search" aria-label="Search contacts" placeholder="Name, email, phone or @handle" value={q} onChange={(e) => setQ(e.target.value)} autoFocus />
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          {page && page.items.length === 0 && (
            // An empty search box with no result means an empty book: say how a contact gets in, not "no match".
            <p className="muted">{q.trim() ? 'No contact matches.' : 'No contacts yet. Save one from an interaction: "Save as contact" in its contact panel.'}</p>
          )}
          <ul className="contacts-list">
            {page?.items.map((contact) => (
              <li key={contact.id}>
                <button type="button" data-testid="contact-result" data-contact-id={contact.id} aria-current={chosen?.id === contact.id ? 'true' : undefined} onClick={() => setChosen(contact)}>
                  <strong>{contact.name}</strong>
                  <span className="muted">{[contact.xHandle ? `@${contact.xHandle}` : '', ...contact.emails].filter(Boolean).join(' · ')}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        {chosen ? (
          <ContactDetails key={chosen.id} contact={chosen} />
        ) : (
          page &&
          page.items.length > 0 && (
            <p className="muted" data-testid="contact-details-empty">
              Choose a contact to see their details and earlier interactions.
            </p>
          )
        )}
      </main>
    </>
  );
}

function ContactDetails({ contact }: { contact: Contact }): ReactNode {
  const { api } = useSession();
  const [history, setHistory] = useState<HistoryPage | null>(null);

  useEffect(() => {
    api
      .get<HistoryPage>(`/api/contacts/${contact.id}/history?limit=20`)
      .then(setHistory)
      .catch(() => setHistory({ items: [] }));
  }, [api, contact.id]);

  return (
    <section className="contact-details" data-testid="contact-details" aria-label={contact.name}>
      <h2>{contact.name}</h2>
      <dl className="contact-fields">
        <dt>X</dt>
        <dd>{contact.xHandle ? `@${contact.xHandle}` : <span className="muted">none</span>}</dd>
        <dt>Email</dt>
        <dd>{contact.emails.join(', ') || <span className="muted">none</span>}</dd>
        <dt>Phone</dt>
        <dd>{contact.phones.join(', ') || <span className="muted">none</span>}</dd>
        <dt>Notes</dt>
        <dd>{contact.notes || <span className="muted">none</span>}</dd>
      </dl>
      <h3>Conversations</h3>
      {history && history.items.length === 0 && <p className="muted">None with the brands you work for.</p>}
      <ol className="history-list">
        {history?.items.map((item) => (
          <li key={item.id} className="history-item" data-testid="contact-history-item">
            <div className="history-head">
              <span className="channel-chip">{item.channel === 'dm' ? 'DM' : 'Tweet'}</span>
              <time>{new Date(item.createdAt).toLocaleString()}</time>
              {item.brandUsername && <span className="muted">to @{item.brandUsername}</span>}
            </div>
            <p className="history-text">{item.text ?? ''}</p>
            <p className="history-outcome">
              {item.completion ? `Done${item.completion.disposition ? ` · ${item.completion.disposition}` : ''}${item.completion.note ? ` · “${item.completion.note}”` : ''}` : `Still ${item.state}`}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
