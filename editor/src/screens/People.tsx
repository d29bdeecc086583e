/** Contacts: search by externalId, e-mail, phone or `key=value`, cursor paging; a contact's attributes, events, journeys and messages. */
import { useEffect, useState } from 'react';
import { contactsApi, errorText, messagesApi, type Contact, type ContactEvent, type Message } from '../api';
import { Rendered } from '../forms/CopyEditor';
import { href } from '../router';
import { when, whenExact } from '../ui';
import { ImportCsv } from './ImportCsv';
import { ContactTimeline } from './Journeys';

export function ContactsPage() {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Contact[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [reload, setReload] = useState(0);
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    setLoading(true);
    const t = setTimeout(() => {
      contactsApi
        .list(q)
        .then((p) => {
          setItems(p.items);
          setCursor(p.nextCursor);
          setError(null);
        })
        .catch((e) => setError(errorText(e)))
        .finally(() => setLoading(false));
    }, 250);
    return () => clearTimeout(t);
  }, [q, reload]);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Contacts</h1>
        <input
          className="search"
          name="contactSearch"
          placeholder="Search externalId, e-mail, phone, or key=value"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button className="btn" data-action="import" onClick={() => setImporting((on) => !on)}>
          {importing ? 'Hide import' : 'Import CSV'}
        </button>
      </div>
      {importing && <ImportCsv onDone={() => setReload((n) => n + 1)} />}
      {error && <div className="alert error">{error}</div>}
      <table className="table" data-contacts>
        <thead>
          <tr>
            <th>Contact</th>
            <th>E-mail</th>
            <th>Phone</th>
            <th>Time zone</th>
            <th>Last active</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr
              key={c.externalId}
              className="clickable"
              onClick={() => (window.location.hash = href({ name: 'contact', id: c.externalId }))}
            >
              <td>
                <strong>{c.externalId}</strong> <span className="muted">{String(c.attributes.firstName ?? '')}</span>
              </td>
              <td>{String(c.attributes.email ?? '—')}</td>
              <td>{String(c.attributes.phone ?? '—')}</td>
              <td>{c.timezone}</td>
              <td className="muted">{when(c.lastActiveAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && items.length === 0 && <div className="empty">No contacts match.</div>}
      {cursor && (
        <button
          className="btn"
          onClick={() =>
            contactsApi.list(q, cursor).then((p) => {
              setItems((xs) => [...xs, ...p.items]);
              setCursor(p.nextCursor);
            })
          }
        >
          Load more
        </button>
      )}
    </div>
  );
}

export function ContactPage({ externalId }: { externalId: string }) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [events, setEvents] = useState<ContactEvent[]>([]);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    contactsApi
      .get(externalId)
      .then(setContact)
      .catch((e) => setError(errorText(e)));
    contactsApi
      .events(externalId)
      .then((p) => setEvents(p.items))
      .catch(() => undefined);
    messagesApi
      .list({ externalId })
      .then((p) => setMessages(p.items))
      .catch(() => undefined);
  }, [externalId]);
  if (error)
    return (
      <div className="page">
        <div className="alert error">{error}</div>
      </div>
    );
  if (!contact)
    return (
      <div className="page">
        <div className="empty">Loading…</div>
      </div>
    );
  return (
    <div className="page contact-page" data-contact={externalId}>
      <div className="page-head">
        <h1>
          <a href={href({ name: 'contacts' })}>Contacts</a> / {externalId}
        </h1>
      </div>
      <div className="grid-2">
        <section className="card">
          <h2>Attributes</h2>
          <table className="table kv">
            <tbody>
              <tr>
                <th>Time zone</th>
                <td>{contact.timezone}</td>
              </tr>
              <tr>
                <th>Last active</th>
                <td>{when(contact.lastActiveAt)}</td>
              </tr>
              <tr>
                <th>Consent</th>
                <td>
                  {Object.entries(contact.consent)
                    .map(([k, v]) => `${k}: ${v ? 'yes' : 'no'}`)
                    .join(' · ') || 'not given (allowed)'}
                </td>
              </tr>
              {Object.entries(contact.attributes).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2>Events</h2>
          {events.length === 0 ? (
            <div className="empty">No events.</div>
          ) : (
            <ul className="event-list">
              {events.map((e) => (
                <li key={e.id}>
                  <time>{whenExact(e.occurredAt)}</time> <strong>{e.name}</strong>
                  {!e.isActivity && <span className="muted"> (not activity)</span>}{' '}
                  {Object.keys(e.properties).length > 0 && <code>{JSON.stringify(e.properties)}</code>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="card">
        <h2>Journeys</h2>
        <ContactTimeline externalId={externalId} nodeName={(id) => id} />
      </section>
      <section className="card">
        <h2>Messages</h2>
        {messages.length === 0 ? <div className="empty">No messages.</div> : <MessageGrid messages={messages} />}
      </section>
    </div>
  );
}

export function MessageGrid({ messages }: { messages: Message[] }) {
  return (
    <div className="message-grid">
      {messages.map((m) => (
        <div className="message-card" key={m.id} data-message={m.channel}>
          <div className="message-meta">
            <strong>{m.channel}</strong> to <a href={href({ name: 'contact', id: m.externalId })}>{m.externalId}</a> ·{' '}
            <span className={`badge status-${m.status}`}>{m.status}</span>
            {m.openedAt && <span className="badge">opened</span>}
            {m.clickedAt && <span className="badge">clicked</span>}
            <div className="muted small">
              {whenExact(m.createdAt)}
              {m.lastError ? ` · ${m.lastError}` : ''}
            </div>
          </div>
          <Rendered channel={m.channel} content={m.content} costCents={m.costCents} />
        </div>
      ))}
    </div>
  );
}
