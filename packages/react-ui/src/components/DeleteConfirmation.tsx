import { useId, useRef } from 'react';
import { useStrings } from '../ChatProvider.js';
import { useIsomorphicLayoutEffect } from '../lib/useIsomorphicLayoutEffect.js';

export interface DeleteConfirmationProps {
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * "Delete this message?" as a modal `<dialog>`: the browser puts it in the top layer (above the
 * timeline's transformed rows, no portal needed) and makes the rest of the page inert, so focus
 * and screen readers stay inside. Focus starts on Cancel, the safe choice; Escape cancels; focus
 * returns where it was when it closes.
 */
export function DeleteConfirmation({ onConfirm, onCancel }: DeleteConfirmationProps) {
  const strings = useStrings();
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  // A layout effect: its cleanup closes the dialog before React removes it from the document.
  useIsomorphicLayoutEffect(() => {
    const element = dialog.current;
    const previous = document.activeElement;
    element?.showModal();
    cancel.current?.focus();
    return () => {
      element?.close();
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="om-dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={(event) => {
        // Handled here rather than by the dialog's own cancel, which would close it behind React's back.
        if (event.key !== 'Escape') return;
        event.preventDefault();
        event.stopPropagation();
        onCancel();
      }}
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
    </dialog>
  );
}
