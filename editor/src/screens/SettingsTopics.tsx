/**
 * Settings → Topics: the workspace's subscription topics in plain words — who gets each one (everyone until they
 * leave, or only those who choose it), how many left or joined — with adding and renaming for admins. What the
 * engine enforces is per topic (a contact's choice per channel, else the topic's default); a topic cannot be
 * removed: a flow naming a topic the workspace no longer defines would reach everyone again.
 */
import { useEffect, useState } from 'react';
import { errorText, topicsApi, type TopicView } from '../api';

interface Draft {
  name: string;
  description: string;
  defaultSubscribed: boolean;
}

const TOPIC_KEY = /^[a-z0-9][a-z0-9_-]{0,49}$/;

/** "Product news" → "product-news": the key a flow names, made from the name (letters and digits only). */
export function keyFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

const audience = (defaultSubscribed: boolean) =>
  defaultSubscribed ? 'Everyone, until they leave it (opt-out)' : 'Only people who choose it (opt-in)';

export function Topics({ readOnly }: { readOnly: boolean }) {
  const [topics, setTopics] = useState<TopicView[] | null>(null);
  const [editing, setEditing] = useState<{ key: string; draft: Draft } | null>(null);
  const [adding, setAdding] = useState<Draft & { key: string; keyTouched: boolean }>({
    name: '',
    description: '',
    defaultSubscribed: true,
    key: '',
    keyTouched: false,
  });
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string; field?: string } | null>(null);
  const load = () =>
    topicsApi
      .list()
      .then((t) => setTopics(t.items))
      .catch((e) => setMsg({ kind: 'error', text: errorText(e) }));
  useEffect(() => void load(), []);

  /** true when saved */
  const save = (key: string, draft: Draft, done: string): Promise<boolean> =>
    topicsApi
      .save(key, draft)
      .then(() => {
        setMsg({ kind: 'ok', text: done });
        setEditing(null);
        void load();
        return true;
      })
      .catch((e) => {
        setMsg({ kind: 'error', text: errorText(e) });
        return false;
      });

  const addProblem = (): { field: string; text: string } | null => {
    if (!adding.name.trim()) return { field: 'name', text: 'Give the topic a name.' };
    if (!TOPIC_KEY.test(adding.key))
      return { field: 'key', text: 'The short name may use lowercase letters, digits, - and _ (e.g. product-news).' };
    if (topics?.some((t) => t.key === adding.key)) return { field: 'key', text: `There is already a topic "${adding.key}".` };
    return null;
  };

  if (!topics) return msg ? <div className={`alert ${msg.kind}`}>{msg.text}</div> : <div className="empty">Loading…</div>;
  return (
    <section className="card" data-topics>
      <h2>Subscription topics</h2>
      <p className="hint">
        What contacts hear about. A message names its topic; contacts who left it — on the preference page its {'{{links.preferences}}'}{' '}
        link opens, or through the API — are skipped on that channel.
      </p>
      {readOnly && <p className="muted">Only admins can change these.</p>}
      {topics.length === 0 ? (
        <p className="empty">No topics yet: every message reaches everyone who gave consent for its channel.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Topic</th>
              <th>Who gets it</th>
              <th>Left</th>
              <th>Joined</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {topics.map((t) =>
              editing?.key === t.key ? (
                <tr key={t.key} data-topic={t.key}>
                  <td colSpan={5}>
                    <TopicFields draft={editing.draft} onChange={(draft) => setEditing({ key: t.key, draft })} />
                    <button
                      type="button"
                      className="btn small primary"
                      data-action="save-topic"
                      disabled={!editing.draft.name.trim()}
                      onClick={() => void save(t.key, editing.draft, `Saved “${editing.draft.name.trim()}”.`)}
                    >
                      Save
                    </button>{' '}
                    <button type="button" className="btn small ghost" onClick={() => setEditing(null)}>
                      Cancel
                    </button>
                  </td>
                </tr>
              ) : (
                <tr key={t.key} data-topic={t.key}>
                  <td>
                    <strong>{t.name}</strong> <code className="muted">{t.key}</code>
                    {t.description && <div className="muted">{t.description}</div>}
                  </td>
                  <td>{audience(t.defaultSubscribed)}</td>
                  <td>{t.left.toLocaleString()}</td>
                  <td>{t.joined.toLocaleString()}</td>
                  <td>
                    {!readOnly && (
                      <button
                        type="button"
                        className="btn small ghost"
                        data-action="edit-topic"
                        onClick={() =>
                          setEditing({
                            key: t.key,
                            draft: { name: t.name, description: t.description, defaultSubscribed: t.defaultSubscribed },
                          })
                        }
                      >
                        Rename or change
                      </button>
                    )}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      {!readOnly && (
        <form
          className="form-card"
          data-add-topic
          onSubmit={(e) => {
            e.preventDefault();
            const problem = addProblem();
            if (problem) return setMsg({ kind: 'error', ...problem });
            const { key, name, description, defaultSubscribed } = adding;
            void save(key, { name: name.trim(), description, defaultSubscribed }, `Added “${name.trim()}”.`).then(
              (saved) => saved && setAdding({ name: '', description: '', defaultSubscribed: true, key: '', keyTouched: false }),
            );
          }}
        >
          <h3>Add a topic</h3>
          <TopicFields
            draft={adding}
            nameError={msg?.field === 'name' ? msg.text : undefined}
            onChange={(draft) => setAdding({ ...adding, ...draft, key: adding.keyTouched ? adding.key : keyFromName(draft.name) })}
          />
          <label className={`field ${msg?.field === 'key' ? 'invalid' : ''}`}>
            <span>Short name flows use</span>
            <input
              name="topicKey"
              value={adding.key}
              maxLength={50}
              onChange={(e) => setAdding({ ...adding, key: e.target.value, keyTouched: true })}
            />
            {msg?.field === 'key' ? (
              <small className="field-error">{msg.text}</small>
            ) : (
              <small className="hint">Made from the name; it cannot change later (messages name it).</small>
            )}
          </label>
          <button type="submit" className="btn primary">
            Add topic
          </button>
        </form>
      )}
      {msg && !msg.field && <div className={`alert ${msg.kind}`}>{msg.text}</div>}
    </section>
  );
}

function TopicFields({ draft, onChange, nameError }: { draft: Draft; onChange: (d: Draft) => void; nameError?: string }) {
  return (
    <>
      <label className={`field ${nameError ? 'invalid' : ''}`}>
        <span>Name contacts see</span>
        <input name="topicName" value={draft.name} maxLength={100} onChange={(e) => onChange({ ...draft, name: e.target.value })} />
        {nameError && <small className="field-error">{nameError}</small>}
      </label>
      <label className="field">
        <span>Description (shown on the preference page)</span>
        <input
          name="topicDescription"
          value={draft.description}
          maxLength={500}
          onChange={(e) => onChange({ ...draft, description: e.target.value })}
        />
      </label>
      <div className="field">
        <span>Who gets it</span>
        {[true, false].map((on) => (
          <label className="check" key={String(on)}>
            <input
              type="radio"
              name="topicAudience"
              checked={draft.defaultSubscribed === on}
              onChange={() => onChange({ ...draft, defaultSubscribed: on })}
            />
            <span>{audience(on)}</span>
          </label>
        ))}
      </div>
    </>
  );
}
