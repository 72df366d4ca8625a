/** Up to two letters for an avatar without a picture: "Alice Smith" → "AS", "@bob:example.org" → "B". */
export function initials(name: string): string {
  const words = name
    .replace(/^[@!#+]/, '')
    .split(/[\s:_.-]+/)
    .filter(Boolean);
  const letters = words.length > 1 && !name.startsWith('@') ? [words[0], words[1]] : [words[0]];
  return letters
    .map((word) => Array.from(word ?? '')[0] ?? '')
    .join('')
    .toUpperCase();
}
