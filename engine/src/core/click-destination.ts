/**
 * Where a tracked click may send a browser (issue 20). A channel's `url` is a template; when its host is written
 * in the template (`https://shop.example/cart/{{cartId}}`) the destination is the marketer's, whatever the
 * attributes say. When the host itself comes from an attribute (`{{landing}}`, `https://{{sub}}.shop.example/`),
 * anyone who can set that attribute (an ingest key) could turn the tracking link into an open redirect — so such a
 * destination is followed only if its host is the template's literal host or listed in `CLICK_ALLOWED_HOSTS`.
 */

/** The host a URL template names literally (no `{{` in its scheme or authority), lower-cased; null otherwise. */
export function literalHostOf(template: string): string | null {
  const match = /^\s*https?:\/\/([^/?#]*)/i.exec(template);
  if (!match || match[1].includes('{{') || match[1] === '') return null;
  try {
    return new URL(`http://${match[1]}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** `shop.example` matches exactly; `*.shop.example` matches any subdomain of it (not the domain itself). */
export function hostListed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e.startsWith('*.') ? h.endsWith(e.slice(1)) && h.length > e.length - 1 : h === e;
  });
}

/**
 * Whether a click may redirect to the rendered `destination`: its host is the literal host of one of the url
 * templates the message could have been rendered from (the node's and its locale variants'), or an allowed host.
 */
export function clickDestinationAllowed(destination: string, urlTemplates: readonly string[], allowedHosts: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(destination).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (urlTemplates.some((t) => literalHostOf(t) === host)) return true;
  return hostListed(host, allowedHosts);
}
