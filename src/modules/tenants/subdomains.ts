/** Subdomain rules: DNS-safe label, 3-63 characters, not a reserved name. */

/** Names kept for the product itself or likely to be confused with it. */
export const RESERVED_SUBDOMAINS = new Set([
  'www', 'api', 'admin', 'app', 'apps', 'auth', 'login', 'logout', 'signup', 'register', 'account', 'accounts',
  'dashboard', 'billing', 'pay', 'payments', 'checkout', 'static', 'assets', 'cdn', 'media', 'img', 'images',
  'mail', 'email', 'smtp', 'imap', 'pop', 'mx', 'ns', 'ns1', 'ns2', 'dns', 'ftp', 'sftp', 'ssh', 'vpn',
  'docs', 'help', 'support', 'status', 'blog', 'news', 'about', 'pricing', 'security', 'legal', 'terms',
  'privacy', 'dev', 'test', 'staging', 'demo-admin', 'internal', 'system', 'root', 'superuser', 'webhooks',
  'hooks', 'metrics', 'health', 'ready', 'oauth', 'sso', 'saml', 'id', 'identity', 'console', 'portal',
  'localhost', 'example', 'null', 'undefined',
]);

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Returns a message explaining what is wrong, or null when the subdomain may be used (uniqueness aside). */
export function checkSubdomain(subdomain: string): string | null {
  if (subdomain.length < 3) return 'Use at least 3 characters';
  if (subdomain.length > 63) return 'Use at most 63 characters';
  if (!LABEL.test(subdomain)) {
    return 'Use lowercase letters, digits and hyphens only, starting and ending with a letter or digit';
  }
  if (subdomain.includes('--')) return 'Do not use two hyphens in a row';
  if (RESERVED_SUBDOMAINS.has(subdomain)) return `"${subdomain}" is reserved; pick another name`;
  return null;
}

/** A suggestion from a company name: "Acme Corp." -> "acme-corp". */
export function suggestSubdomain(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}
