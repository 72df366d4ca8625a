import { type KeyboardEvent, useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useStrings } from '../ChatProvider.js';

export interface DeleteConfirmationProps {
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * "Delete this message?" as a modal dialog: focus moves into it (on Cancel, the safe choice), Tab
 * stays inside, Escape cancels, and focus returns where it was when it closes. Mounted only after a
 * user action, so it may use the document (it is portalled to the body, out of the timeline's
 * transformed rows, where `position: fixed` would not cover the page).
 */
export function DeleteConfirmation({ onConfirm, onCancel }: DeleteConfirmationProps) {
  const strings = useStrings();
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancel.current?.focus();
    return () => previous?.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = Array.from(dialog.current.querySelectorAll<HTMLElement>('button:not([disabled])'));
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  if (typeof document === 'undefined') return null;
  return createPortal(
    <div className="om-dialog-backdrop">
      <div
        ref={dialog}
        className="om-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="om-dialog__title">
          {strings.deleteTitle}
        </h2>
        <p id={bodyId}>{strings.deleteBody}</p>
        <div className="om-dialog__actions">
          <button ref={cancel} type="button" className="om-button" onClick={onCancel}>
            {strings.cancel}
          </button>
          <button type="button" className="om-button om-button--danger" onClick={onConfirm}>
            {strings.confirmDelete}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
