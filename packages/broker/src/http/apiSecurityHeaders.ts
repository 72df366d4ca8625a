/**
 * What helmet would send on a JSON response, precomputed. Helmet builds its headers on every
 * request, which halves the throughput of the token endpoint (see bench/broker-tokens), so that
 * hot route uses this fixed set instead and helmet covers the rest.
 */
export const apiSecurityHeaders: Readonly<Record<string, string>> = {
  // Token responses must never be cached (RFC 6749 §5.1).
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
