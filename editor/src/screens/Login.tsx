import { useState, type FormEvent } from 'react';
import { authApi, errorText, session, type Me } from '../api';
import { Logo } from '../ui';

export function Login({ notice, onSignedIn }: { notice: string | null; onSignedIn: (me: Me) => void }) {
  const [mode, setMode] = useState<'password' | 'key'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'password') {
        const { token } = await authApi.login(email.trim(), password);
        session.set(token);
      } else {
        session.set(key.trim());
      }
      onSignedIn(await authApi.me());
    } catch (e) {
      session.clear();
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit}>
        <div className="login-brand">
          <Logo /> <span>Boomerang</span>
        </div>
        <p className="muted">Win back churned users with visual flows.</p>
        <div className="segmented">
          <button type="button" className={mode === 'password' ? 'on' : ''} onClick={() => setMode('password')}>
            Email
          </button>
          <button type="button" className={mode === 'key' ? 'on' : ''} onClick={() => setMode('key')}>
            API key
          </button>
        </div>
        {mode === 'password' ? (
          <>
            <label className="field">
              <span>Email</span>
              <input
                name="email"
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                required
                autoFocus
              />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </label>
          </>
        ) : (
          <label className="field">
            <span>API key</span>
            <input name="apiKey" value={key} onChange={(e) => setKey(e.target.value)} placeholder="bk_…" required autoFocus />
          </label>
        )}
        {error && <div className="alert error">{error}</div>}
        <button className="btn primary wide" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">
          The first start prints the admin user’s password (or set <code>ADMIN_PASSWORD</code>) and the admin API key.
        </p>
      </form>
    </div>
  );
}
