export interface MintedToken {
  accessToken: string;
  expiresInMs: number;
}

/**
 * How Matrix tokens are obtained and killed. `appservice` (recommended) binds every token to the
 * browser's device; `admin-login` is the fallback for homeservers where no application service can
 * be registered, with its caveats (see the README).
 */
export interface TokenMinter {
  readonly mode: 'appservice' | 'admin-login';
  mint(userId: string, deviceId: string): Promise<MintedToken>;
  /** `cachedToken` is the last token handed to that device, when the broker still has it. */
  revokeDevice(userId: string, deviceId: string, cachedToken: string | undefined): Promise<void>;
  /** Called with a device's previous token once a new one replaced it. */
  retire(previousToken: string): Promise<void>;
}
