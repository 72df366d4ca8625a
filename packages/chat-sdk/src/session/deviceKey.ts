const STORAGE_KEY = 'openmeet-chat:device-key';

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The key of this browser profile's Matrix device (the broker maps it to device `OMB_<key>`):
 * kept in localStorage, so it survives reloads and all tabs share one device (and its transaction
 * ids, so a message queued in one tab and sent from another is still deduplicated). Without
 * storage (SSR, private modes that throw) a key lives as long as the page.
 */
export function persistentDeviceKey(storage: StorageLike | undefined = defaultStorage()): string {
  try {
    const known = storage?.getItem(STORAGE_KEY);
    if (known && /^[A-Za-z0-9_-]{8,64}$/.test(known)) return known;
    const fresh = newDeviceKey();
    storage?.setItem(STORAGE_KEY, fresh);
    return fresh;
  } catch {
    return newDeviceKey();
  }
}

export function newDeviceKey(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 24);
}

function defaultStorage(): StorageLike | undefined {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch {
    return undefined;
  }
}
