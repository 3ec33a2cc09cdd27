// Turns hono/jsx trees into HTML strings. Every view component is synchronous, so String() on the
// tree is the whole render: no streaming, no promises.

let assetVersion = '';

/** Sets a cache-busting version appended to /assets/ URLs (for example the build's content hash). */
export function setAssetVersion(version: string): void {
  assetVersion = version;
}

/** URL of a file under public/ with the asset version appended when one is set. */
export function assetUrl(path: string): string {
  return assetVersion ? `${path}?v=${encodeURIComponent(assetVersion)}` : path;
}

/** A full HTML document: the doctype plus the rendered <html> tree. */
export function renderPage(node: unknown): string {
  return '<!doctype html>' + String(node);
}

/** A partial for htmx swaps (no doctype, no layout). */
export function renderFragment(node: unknown): string {
  return String(node);
}
