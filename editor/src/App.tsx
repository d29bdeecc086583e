import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { authApi, errorText, onUnauthorized, session, type Me } from './api';
import { confirmLeave, href, useRoute } from './router';
import { FlowList } from './screens/FlowList';
import { Login } from './screens/Login';

// code-split routes: the canvas (React Flow, dagre, the engine core, Handlebars) loads only when a flow is opened
const FlowEditor = lazy(() => import('./screens/FlowEditor').then((m) => ({ default: m.FlowEditor })));
const ContactsPage = lazy(() => import('./screens/People').then((m) => ({ default: m.ContactsPage })));
const ContactPage = lazy(() => import('./screens/People').then((m) => ({ default: m.ContactPage })));
const InboxPage = lazy(() => import('./screens/Inbox').then((m) => ({ default: m.InboxPage })));
const OperationsPage = lazy(() => import('./screens/Operations').then((m) => ({ default: m.OperationsPage })));
const SettingsPage = lazy(() => import('./screens/Settings').then((m) => ({ default: m.SettingsPage })));
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
          <a href={href({ name: 'flows' })} className={route.name === 'flows' || route.name === 'flow' ? 'on' : ''}>
            Flows
          </a>
          <a href={href({ name: 'contacts' })} className={route.name === 'contacts' || route.name === 'contact' ? 'on' : ''}>
            Contacts
          </a>
          <a href={href({ name: 'inbox' })} className={route.name === 'inbox' ? 'on' : ''}>
            Inbox
          </a>
          <a href={href({ name: 'operations' })} className={route.name === 'operations' ? 'on' : ''}>
            Operations
          </a>
          <a href={href({ name: 'settings', section: 'workspace' })} className={route.name === 'settings' ? 'on' : ''}>
            Settings
          </a>
        </nav>
        <div className="spacer" />
        <span className="who" title={me.permissions.join(', ')}>
          {me.kind === 'user' ? `${me.email} · ${me.role}` : `API key ${me.prefix}…`}
          {!me.permissions.includes('design') && <span className="badge">read only</span>}
        </span>
        <button
          className="btn ghost"
          onClick={() => {
            if (!confirmLeave(null)) return;
            void authApi.logout().catch(() => undefined);
            signOut();
          }}
        >
          Sign out
        </button>
      </header>
      <main className="main">
        <Suspense fallback={<div className="splash">Loading…</div>}>
          {route.name === 'flows' ? (
            <FlowList me={me} />
          ) : route.name === 'flow' ? (
            <FlowEditor key={route.id} id={route.id} tab={route.tab} me={me} />
          ) : route.name === 'contacts' ? (
            <ContactsPage />
          ) : route.name === 'contact' ? (
            <ContactPage key={route.id} externalId={route.id} />
          ) : route.name === 'inbox' ? (
            <InboxPage />
          ) : route.name === 'operations' ? (
            <OperationsPage />
          ) : (
            <SettingsPage me={me} section={route.section} />
          )}
        </Suspense>
      </main>
    </div>
  );
}
