import { type KeyboardEvent, useRef, useState } from 'react';
import { useStrings } from '../ChatProvider.js';
import type { FormatKind } from '../lib/applyFormat.js';

export interface FormattingToolbarProps {
  onFormat: (kind: FormatKind) => void;
  disabled?: boolean;
}

const BUTTONS: ReadonlyArray<{ kind: FormatKind; glyph: string; shortcut?: string }> = [
  { kind: 'bold', glyph: 'B', shortcut: 'Control+B Meta+B' },
  { kind: 'italic', glyph: 'I', shortcut: 'Control+I Meta+I' },
  { kind: 'code', glyph: '</>', shortcut: 'Control+E Meta+E' },
  { kind: 'link', glyph: '🔗' },
];

/** Bold, italic, code and link buttons (a WAI-ARIA toolbar: one tab stop, arrow keys between buttons). */
export function FormattingToolbar({ onFormat, disabled = false }: FormattingToolbarProps) {
  const strings = useStrings();
  const [active, setActive] = useState(0);
  const buttons = useRef<Array<HTMLButtonElement | null>>([]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    const to =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? BUTTONS.length - 1
          : (active + step + BUTTONS.length) % BUTTONS.length;
    if (step === 0 && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    setActive(to);
    buttons.current[to]?.focus();
  };
  return (
    <div className="om-toolbar" role="toolbar" aria-label={strings.formatting} onKeyDown={onKeyDown}>
      {BUTTONS.map(({ kind, glyph, shortcut }, index) => (
        <button
          key={kind}
          ref={(node) => {
            buttons.current[index] = node;
          }}
          type="button"
          className={`om-icon-button om-toolbar__${kind}`}
          aria-label={strings[kind]}
          aria-keyshortcuts={shortcut}
          tabIndex={index === active ? 0 : -1}
          disabled={disabled}
          // Keeps the text selection in the field: the format applies to it.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onFormat(kind)}
        >
          <span aria-hidden="true">{glyph}</span>
        </button>
      ))}
    </div>
  );
}
