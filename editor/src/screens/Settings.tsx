/**
 * Settings: workspace guardrails and subscription topics (admins edit, others read), users, API keys and the audit
 * log (admins only).
 */
import { useEffect, useState } from 'react';
import { adminApi, api, errorText, type ApiKey, type AuditEntry, type Me, type User, type WorkspaceSettings } from '../api';
import { DurationField } from '../forms/fields';
import { href } from '../router';
import { whenExact } from '../ui';
import { Topics } from './SettingsTopics';
import { operationsApi, type OperationsReport } from './operations-api';
import { RateLimitFields } from './RateLimitFields';

type Section = 'workspace' | 'topics' | 'users' | 'keys' | 'audit';

export function SettingsPage({ me, section }: { me: Me; section: Section }) {
  const admin = me.permissions.includes('admin');
  const sections: [Section, string][] = admin
    ? [
        ['workspace', 'Guardrails'],
        ['topics', 'Topics'],
        ['users', 'Users'],
        ['keys', 'API keys'],
        ['audit', 'Audit log'],
      ]
    : [
        ['workspace', 'Guardrails'],
        ['topics', 'Topics'],
      ];
  const shown = admin || section === 'topics' ? section : 'workspace';
  return (
    <div className="page settings">
      <div className="page-head">
        <h1>Settings</h1>
        <nav className="tabs">
          {sections.map(([s, label]) => (
            <a key={s} href={href({ name: 'settings', section: s })} className={shown === s ? 'on' : ''}>
              {label}
            </a>
          ))}
        </nav>
      </div>
      {shown === 'workspace' && <Guardrails readOnly={!admin} />}
      {shown === 'topics' && <Topics readOnly={!admin} />}
      {shown === 'users' && <Users />}
      {shown === 'keys' && <Keys />}
      {shown === 'audit' && <Audit />}
    </div>
  );
}

function Guardrails({ readOnly }: { readOnly: boolean }) {
  const [s, setS] = useState<WorkspaceSettings | null>(null);
  const [msg, setMsg] = useState<{ kind: string; text: string } | null>(null);
  const [limitsFrom, setLimitsFrom] = useState<OperationsReport['rateLimitsFrom']>();
  useEffect(() => {
    adminApi
      .settings()
      .then(setS)
      .catch((e) => setMsg({ kind: 'error', text: errorText(e) }));
    // whether SEND_RATE_LIMITS overrides the limits below (only the server knows its environment)
    operationsApi
      .details()
      .then((r) => setLimitsFrom(r.rateLimitsFrom))
      .catch(() => undefined);
  }, []);
  if (!s) return msg ? <div className={`alert ${msg.kind}`}>{msg.text}</div> : <div className="empty">Loading…</div>;
  const set = (patch: Partial<WorkspaceSettings>) => setS({ ...s, ...patch });
  return (
    <section className="card form-card" data-settings>
      {readOnly && <p className="muted">Only admins can change these.</p>}
      <fieldset disabled={readOnly}>
        <h2>Quiet hours</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={s.quietHours !== null}
            onChange={(e) => set({ quietHours: e.target.checked ? { start: '21:00', end: '09:00' } : null })}
          />
          <span>No sends at night, in each contact's time zone</span>
        </label>
        {s.quietHours && (
          <div className="row-inline">
            <label className="field">
              <span>From</span>
              <input
                type="time"
                name="quietStart"
                value={s.quietHours.start}
                onChange={(e) => set({ quietHours: { ...s.quietHours!, start: e.target.value } })}
              />
            </label>
            <label className="field">
              <span>Until</span>
              <input
                type="time"
                name="quietEnd"
                value={s.quietHours.end}
                onChange={(e) => set({ quietHours: { ...s.quietHours!, end: e.target.value } })}
              />
            </label>
          </div>
        )}
        <h2>Frequency caps (across all flows)</h2>
        {s.frequencyCaps.map((c, i) => (
          <div className="row-inline" key={i}>
            <label className="field">
              <span>Channel</span>
              <select
                value={c.channel}
                onChange={(e) =>
                  set({
                    frequencyCaps: s.frequencyCaps.map((x, j) => (j === i ? { ...x, channel: e.target.value as typeof c.channel } : x)),
                  })
                }
              >
                {['all', 'email', 'push', 'sms', 'webhook'].map((ch) => (
                  <option key={ch} value={ch}>
                    {ch === 'all' ? 'all channels' : ch}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>At most</span>
              <input
                type="number"
                min={0}
                value={c.max}
                onChange={(e) =>
                  set({ frequencyCaps: s.frequencyCaps.map((x, j) => (j === i ? { ...x, max: Number(e.target.value) } : x)) })
                }
              />
            </label>
            <DurationField
              label="per"
              name={`cap-${i}`}
              value={c.per}
              onChange={(per) => set({ frequencyCaps: s.frequencyCaps.map((x, j) => (j === i ? { ...x, per } : x)) })}
            />
            <button
              type="button"
              className="btn small ghost"
              onClick={() => set({ frequencyCaps: s.frequencyCaps.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="btn small"
          onClick={() => set({ frequencyCaps: [...s.frequencyCaps, { channel: 'all', max: 3, per: 'P7D' }] })}
        >
          Add a cap
        </button>
        <RateLimitFields
          limits={s.sendRateLimits}
          onChange={(sendRateLimits) => set({ sendRateLimits })}
          fromEnvironment={limitsFrom === 'environment'}
        />
        <h2>Activity rule</h2>
        <div className="row-inline">
          <label className="field">
            <span>Active on at least (days)</span>
            <input
              type="number"
              min={1}
              name="minDays"
              value={s.activity.minDays}
              onChange={(e) => set({ activity: { ...s.activity, minDays: Number(e.target.value) } })}
            />
          </label>
          <label className="field">
            <span>of the last (days)</span>
            <input
              type="number"
              min={1}
              name="windowDays"
              value={s.activity.windowDays}
              onChange={(e) => set({ activity: { ...s.activity, windowDays: Number(e.target.value) } })}
            />
          </label>
        </div>
        <h2>Attribution window</h2>
        <DurationField
          label="A return counts for a message within"
          name="attributionWindow"
          value={s.attributionWindow}
          onChange={(attributionWindow) => set({ attributionWindow })}
        />
        <h2>Currency</h2>
        <label className="field">
          <span>Costs are shown in</span>
          <input
            name="currency"
            maxLength={3}
            value={s.currency}
            onChange={(e) => set({ currency: e.target.value.toUpperCase() })}
            placeholder="USD"
          />
          <small className="hint">A three-letter code (EUR, CNY, USD): message prices are entered in its cents.</small>
        </label>
        {!readOnly && (
          <button
            type="button"
            className="btn primary"
            onClick={() =>
              adminApi
                .saveSettings({
                  currency: s.currency,
                  quietHours: s.quietHours,
                  frequencyCaps: s.frequencyCaps,
                  activity: s.activity,
                  attributionWindow: s.attributionWindow,
                  sendRateLimits: s.sendRateLimits,
                })
                .then((saved) => {
                  setS(saved);
                  setMsg({ kind: 'ok', text: 'Settings saved.' });
                })
                .catch((e) => setMsg({ kind: 'error', text: errorText(e) }))
            }
          >
            Save settings
          </button>
        )}
      </fieldset>
      {msg && <div className={`alert ${msg.kind}`}>{msg.text}</div>}
    </section>
  );
}

/** `DELETE /api/users/:id/sessions` (here rather than in api.ts: only this screen calls it). */
const revokeSessions = (id: string) => api<{ revoked: number }>('DELETE', `/api/users/${encodeURIComponent(id)}/sessions`);

function Users() {
  const [users, setUsers] = useState<User[]>([]);
  const [form, setForm] = useState({ email: '', password: '', role: 'editor' as User['role'] });
  const [msg, setMsg] = useState<string | null>(null);
  const load = () =>
    adminApi
      .users()
      .then((u) => setUsers(u.items))
      .catch((e) => setMsg(errorText(e)));
  useEffect(() => void load(), []);
  return (
    <section className="card">
      <h2>Users and roles</h2>
      <table className="table" data-users>
        <thead>
          <tr>
            <th>E-mail</th>
            <th>Role</th>
            <th>Since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.email} className={u.disabled ? 'muted' : ''}>
              <td>
                {u.email}
                {u.disabled && <span className="badge">disabled</span>}
              </td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  onChange={(e) =>
                    adminApi
                      .updateUser(u.id, { role: e.target.value as User['role'] })
                      .then(() => {
                        setMsg(`${u.email} is now ${e.target.value}.`);
                        void load();
                      })
                      .catch((err) => setMsg(errorText(err)))
                  }
                >
                  <option value="viewer">viewer: reads everything</option>
                  <option value="editor">editor: designs flows</option>
                  <option value="admin">admin: everything</option>
                </select>
              </td>
              <td className="muted">{whenExact(u.createdAt)}</td>
              <td>
                <button
                  className="btn small ghost"
                  onClick={() =>
                    adminApi
                      .updateUser(u.id, { disabled: !u.disabled })
                      .then(() => void load())
                      .catch((err) => setMsg(errorText(err)))
                  }
                >
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>
                <button
                  className="btn small ghost"
                  data-action="sign-out-everywhere"
                  title="End every session of this user now (a lost laptop, a leaver); they can sign in again unless disabled"
                  onClick={() =>
                    revokeSessions(u.id)
                      .then((r) => setMsg(`${u.email} is signed out everywhere (${r.revoked} session${r.revoked === 1 ? '' : 's'} ended).`))
                      .catch((err) => setMsg(errorText(err)))
                  }
                >
                  Sign out everywhere
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          adminApi
            .createUser(form)
            .then(() => {
              setMsg(`Invited ${form.email}.`);
              void load();
            })
            .catch((err) => setMsg(errorText(err)));
        }}
      >
        <input name="newUserEmail" placeholder="e-mail" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <input
          name="newUserPassword"
          type="password"
          placeholder="first password (12+, not a common one)"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as User['role'] })}>
          <option value="viewer">viewer</option>
          <option value="editor">editor</option>
          <option value="admin">admin</option>
        </select>
        <button className="btn primary" type="submit">
          Invite
        </button>
      </form>
      {msg && <p className="hint">{msg}</p>}
    </section>
  );
}

function Keys() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'ingest' | 'admin'>('ingest');
  const [created, setCreated] = useState<string | null>(null);
  const load = () =>
    adminApi
      .keys()
      .then((k) => setKeys(k.items))
      .catch(() => undefined);
  useEffect(() => void load(), []);
  return (
    <section className="card">
      <h2>API keys</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Scopes</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{k.scopes.join(', ')}</td>
              <td className="muted">{whenExact(k.createdAt)}</td>
              <td className="muted">{k.lastUsedAt ? whenExact(k.lastUsedAt) : '—'}</td>
              <td>
                <button className="btn small ghost" onClick={() => adminApi.revokeKey(k.id).then(load)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          adminApi.createKey({ name, scopes: [scope] }).then((k) => {
            setCreated(k.key ?? null);
            void load();
          });
        }}
      >
        <input name="keyName" placeholder="name, e.g. backend ingest" value={name} onChange={(e) => setName(e.target.value)} />
        <select value={scope} onChange={(e) => setScope(e.target.value as 'ingest' | 'admin')}>
          <option value="ingest">ingest only</option>
          <option value="admin">admin</option>
        </select>
        <button className="btn primary" type="submit">
          Create key
        </button>
      </form>
      {created && (
        <div className="alert ok">
          Copy it now, it is shown once: <code>{created}</code>
        </div>
      )}
    </section>
  );
}

function Audit() {
  const [type, setType] = useState('');
  const [items, setItems] = useState<AuditEntry[]>([]);
  useEffect(() => {
    adminApi
      .audit({ entityType: type || undefined })
      .then((p) => setItems(p.items))
      .catch(() => undefined);
  }, [type]);
  return (
    <section className="card">
      <div className="card-head">
        <h2>Audit log</h2>
        <select name="auditType" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">Everything</option>
          <option value="flow">Flows</option>
          <option value="user">Users</option>
          <option value="api_key">API keys</option>
          <option value="settings">Settings</option>
        </select>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td className="muted">{whenExact(a.at)}</td>
              <td>{a.actor}</td>
              <td>{a.action}</td>
              <td>
                <code className="small">{JSON.stringify(a.detail).slice(0, 160)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
