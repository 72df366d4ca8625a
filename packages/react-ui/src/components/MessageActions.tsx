import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useStrings } from '../ChatProvider.js';

/** Reactions offered in the actions menu. */
export const QUICK_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

export interface MessageActionsProps {
  senderName: string;
  onReply?: (() => void) | undefined;
  onReact?: ((key: string) => void) | undefined;
  onEdit?: (() => void) | undefined;
  onDelete?: (() => void) | undefined;
  tabIndex?: number | undefined;
}

/** A menu button with a message's actions (WAI-ARIA menu button: arrows, Home/End, Escape). */
export function MessageActions({
  senderName,
  onReply,
  onReact,
  onEdit,
  onDelete,
  tabIndex,
}: MessageActionsProps) {
  const strings = useStrings();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const items: Array<{ key: string; label: string; run: () => void }> = [];
  if (onReply) items.push({ key: 'reply', label: strings.reply, run: onReply });
  if (onReact) {
    for (const key of QUICK_REACTIONS)
      items.push({ key: `react-${key}`, label: strings.reactWith(key), run: () => onReact(key) });
  }
  if (onEdit) items.push({ key: 'edit', label: strings.edit, run: onEdit });
  if (onDelete) items.push({ key: 'delete', label: strings.delete, run: onDelete });

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const close = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node) && event.target !== trigger.current) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, [open]);

  if (items.length === 0) return null;

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const index = entries.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      entries[(to + entries.length) % entries.length]?.focus();
    };
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(entries.length - 1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      trigger.current?.focus();
    } else if (event.key === 'Tab') setOpen(false);
  };

  return (
    <div className="om-actions">
      <button
        ref={trigger}
        type="button"
        className="om-icon-button om-actions__trigger"
        aria-label={strings.messageActions(senderName)}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        tabIndex={tabIndex}
        onClick={() => setOpen((value) => !value)}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open ? (
        <div ref={menu} id={menuId} role="menu" className="om-menu" tabIndex={-1} onKeyDown={onMenuKeyDown}>
          {items.map((item) => (
            <button
              key={item.key}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="om-menu__item"
              onClick={() => {
                setOpen(false);
                item.run();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
