// A self-signed certificate for localhost and 127.0.0.1 (P-256, valid until 2126), for TLS tests only:
// the key is public and protects nothing. Made with
// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
//   -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1

export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUIXTAMeY7QJeZBHDGhntwgsMIw3MwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNTE2MTE1MVoYDzIxMjYxMTAx
MTYxMTUxWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQg0k/CAF6O+UIQdD0XLNtETeiKXzxZsqFEf/bT8o66lKP5RaddbyPi
wH54ngJWPyqNlZvxoNjMk0GIUusxGcUro28wbTAdBgNVHQ4EFgQUYOMDpUKGQAN7
XZBETGlNy/gmb1cwHwYDVR0jBBgwFoAUYOMDpUKGQAN7XZBETGlNy/gmb1cwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIhAMtwi5cVEe1m+vTYL2iaCIoassMgb6bGQWZZrCt1vCtuAiAD
J3gPxyC+WFapu3LOoxG11VYtsf+/l4YzoZoKcVTbsw==
-----END CERTIFICATE-----
`;

export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjtpM50D3Pm7fUtZy
hKX925k/GMpNmd6c0qMeuiphu/ahRANCAAQg0k/CAF6O+UIQdD0XLNtETeiKXzxZ
sqFEf/bT8o66lKP5RaddbyPiwH54ngJWPyqNlZvxoNjMk0GIUusxGcUr
-----END PRIVATE KEY-----
`;
