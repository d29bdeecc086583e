/** A hash router: `#/`, `#/flows/:id`, `#/flows/:id/journeys`, `#/flows/:id/metrics`, `#/operations`. */
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'flows' }
  | { name: 'flow'; id: string; tab: 'canvas' | 'journeys' | 'metrics' | 'history' }
  | { name: 'contacts' }
  | { name: 'contact'; id: string }
  | { name: 'inbox' }
  | { name: 'operations' }
  | { name: 'settings'; section: 'workspace' | 'topics' | 'users' | 'keys' | 'audit' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'flows' && parts[1]) {
    const tab = parts[2] === 'journeys' || parts[2] === 'metrics' || parts[2] === 'history' ? parts[2] : 'canvas';
    return { name: 'flow', id: parts[1], tab };
  }
  if (parts[0] === 'contacts' && parts[1]) return { name: 'contact', id: parts[1] };
  if (parts[0] === 'contacts') return { name: 'contacts' };
  if (parts[0] === 'inbox') return { name: 'inbox' };
  if (parts[0] === 'operations') return { name: 'operations' };
  if (parts[0] === 'settings') {
    const section = parts[1] === 'topics' || parts[1] === 'users' || parts[1] === 'keys' || parts[1] === 'audit' ? parts[1] : 'workspace';
    return { name: 'settings', section };
  }
  return { name: 'flows' };
}

export function href(route: Route): string {
  if (route.name === 'flows') return '#/';
  if (route.name === 'contacts') return '#/contacts';
  if (route.name === 'contact') return `#/contacts/${encodeURIComponent(route.id)}`;
  if (route.name === 'inbox') return '#/inbox';
  if (route.name === 'operations') return '#/operations';
  if (route.name === 'settings') return `#/settings${route.section === 'workspace' ? '' : `/${route.section}`}`;
  return `#/flows/${encodeURIComponent(route.id)}${route.tab === 'canvas' ? '' : `/${route.tab}`}`;
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

/**
 * What may stop the user leaving: a screen with unsaved work registers one. It gets the route about to be shown
 * (`null`: leaving the app, e.g. signing out) and answers the question to ask, or null to let the user go.
 */
export type LeaveGuard = (next: Route | null) => string | null;
let leaveGuard: LeaveGuard | null = null;

export function setLeaveGuard(guard: LeaveGuard): () => void {
  leaveGuard = guard;
  return () => {
    if (leaveGuard === guard) leaveGuard = null;
  };
}

/** True when the user may go to `next` (nothing unsaved, or they said so). */
export function confirmLeave(next: Route | null): boolean {
  const question = leaveGuard?.(next) ?? null;
  return question === null || window.confirm(question);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    let shown = window.location.hash;
    const onChange = () => {
      const next = parseRoute(window.location.hash);
      if (!confirmLeave(next)) {
        // stay: put the address back without another hashchange
        window.history.replaceState(window.history.state, '', shown || '#/');
        return;
      }
      shown = window.location.hash;
      setRoute(next);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
