export type FormatKind = 'bold' | 'italic' | 'code' | 'link';

export interface TextEdit {
  value: string;
  selectionStart: number;
  selectionEnd: number;
}

const PLACEHOLDER_URL = 'https://';

/**
 * Wraps the selection in Markdown (the client renders Markdown into the message's HTML). With no
 * selection the markers are inserted and the caret put between them; a link selects its URL so
 * the next keystrokes replace it.
 */
export function applyFormat(value: string, start: number, end: number, kind: FormatKind): TextEdit {
  const selected = value.slice(start, end);
  const before = value.slice(0, start);
  const after = value.slice(end);
  if (kind === 'link') {
    const text = `[${selected}](${PLACEHOLDER_URL})`;
    const urlStart = start + selected.length + 3;
    return {
      value: before + text + after,
      selectionStart: selected ? urlStart : start + 1,
      selectionEnd: selected ? urlStart + PLACEHOLDER_URL.length : start + 1,
    };
  }
  const marker = kind === 'bold' ? '**' : kind === 'italic' ? '_' : selected.includes('\n') ? '```\n' : '`';
  const closing = marker === '```\n' ? '\n```' : marker;
  return {
    value: before + marker + selected + closing + after,
    selectionStart: start + marker.length,
    selectionEnd: start + marker.length + selected.length,
  };
}
