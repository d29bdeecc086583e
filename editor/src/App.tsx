import { useCallback, useEffect, useState } from 'react';
import { authApi, errorText, onUnauthorized, session, type Me } from './api';
import { href, useRoute } from './router';
import { FlowEditor } from './screens/FlowEditor';
import { FlowList } from './screens/FlowList';
import { Login } from './screens/Login';
import { Logo } from './ui';

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(() => session.token() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  const signOut = useCallback((why?: string) => {
    session.clear();
    setMe(null);
    setNotice(why ?? null);
  }, []);

  useEffect(() => onUnauthorized(() => signOut('Your session has ended; please sign in again.')), [signOut]);

  useEffect(() => {
    if (!session.token()) return;
    authApi
      .me()
      .then(setMe)
      .catch((e) => signOut(errorText(e)))
      .finally(() => setChecking(false));
  }, [signOut]);

  if (checking) return <div className="splash">Loading…</div>;
  if (!me) {
    return (
      <Login
        notice={notice}
        onSignedIn={(who) => {
          setNotice(null);
          setMe(who);
        }}
      />
    );
  }

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href={href({ name: 'flows' })}>
          <Logo /> Boomerang
        </a>
        <nav className="crumbs">
          <a href={href({ name: 'flows' })}>Flows</a>
        </nav>
        <div className="spacer" />
        <span className="who" title={me.permissions.join(', ')}>
          {me.kind === 'user' ? `${me.email} · ${me.role}` : `API key ${me.prefix}…`}
        </span>
        <button
          className="btn ghost"
          onClick={() => {
            void authApi.logout().catch(() => undefined);
            signOut();
          }}
        >
          Sign out
        </button>
      </header>
      <main className="main">
        {route.name === 'flows' ? <FlowList me={me} /> : <FlowEditor key={route.id} id={route.id} tab={route.tab} me={me} />}
      </main>
    </div>
  );
}
