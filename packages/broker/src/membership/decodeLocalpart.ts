const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The inverse of `encodeLocalpart`: the host user id an encoded localpart stands for, or undefined
 * when it is not the encoder's output (hashed ids for very long host ids cannot be reversed).
 * Reconciliation uses it to name, in host terms, the extra members it removes.
 */
export function decodeLocalpart(encoded: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const char = encoded[i] as string;
    if (/[a-z0-9.-]/.test(char)) {
      bytes.push(char.charCodeAt(0));
    } else if (char === '_') {
      const next = encoded[++i] ?? '';
      if (next === '_') bytes.push(0x5f);
      else if (/[a-z]/.test(next)) bytes.push(next.toUpperCase().charCodeAt(0));
      else return undefined;
    } else if (char === '=') {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      return undefined;
    }
  }
  if (bytes.length === 0) return undefined;
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}
