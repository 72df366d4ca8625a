const WORDS = [
  'trail',
  'summit',
  'ridge',
  'meet',
  'at',
  'the',
  'north',
  'car park',
  'bring',
  'water',
  'boots',
  'rain',
  'forecast',
  'looks',
  'good',
  'for',
  'Saturday',
  'who',
  'is',
  'coming',
  'map',
  'lake',
  'loop',
  'steep',
];

/** `#01234`: every body starts with its number, so the page can tell how far back it has scrolled. */
export const SEQ_PATTERN = /#(\d{5})/;

/**
 * Message `seq`'s text: deterministic, mostly one line, every few a paragraph that wraps, so rows
 * differ in height as in a real room and the virtualiser has to measure them.
 */
export function messageBody(seq: number): string {
  let state = (seq * 2654435761) >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state;
  };
  const words = next() % 7 === 0 ? 40 + (next() % 40) : 3 + (next() % 12);
  const text = Array.from({ length: words }, () => WORDS[next() % WORDS.length]).join(' ');
  return `#${String(seq).padStart(5, '0')} ${text}`;
}

/** Who sends each of `count` messages: runs of one to four from one sender, as people reply in turns. */
export function senderIndexes(count: number, senders: number): number[] {
  const indexes: number[] = [];
  for (let run = 0; indexes.length < count; run++) {
    const length = 1 + ((run * 7919) % 4);
    for (let i = 0; i < length && indexes.length < count; i++) indexes.push(run % senders);
  }
  return indexes;
}
