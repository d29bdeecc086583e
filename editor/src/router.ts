/** A hash router: `#/`, `#/flows/:id`, `#/flows/:id/journeys`, `#/flows/:id/metrics`. */
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'flows' }
  | { name: 'flow'; id: string; tab: 'canvas' | 'journeys' | 'metrics' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'flows' && parts[1]) {
    const tab = parts[2] === 'journeys' || parts[2] === 'metrics' ? parts[2] : 'canvas';
    return { name: 'flow', id: parts[1], tab };
  }
  return { name: 'flows' };
}

export function href(route: Route): string {
  if (route.name === 'flows') return '#/';
  return `#/flows/${encodeURIComponent(route.id)}${route.tab === 'canvas' ? '' : `/${route.tab}`}`;
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
