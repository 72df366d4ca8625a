import { useChatContext } from '../ChatProvider.js';
import { useConnection } from '../hooks/useConnection.js';

const SHOWN = new Set(['reconnecting', 'offline', 'fallback', 'error'] as const);
type Shown = typeof SHOWN extends Set<infer T> ? T : never;

/**
 * The connection when it is not plainly live (reconnecting, offline, fallback, error), with the
 * number of messages waiting to be sent. The status region stays mounted, empty while all is well,
 * so a change is announced.
 */
export function ConnectionBanner() {
  const { strings } = useChatContext();
  const { status, queued } = useConnection();
  const shown = SHOWN.has(status as Shown) ? (status as Shown) : undefined;
  return (
    <div
      className={shown ? `om-connection om-connection--${shown}` : 'om-connection'}
      role="status"
      data-status={status}
    >
      {shown ? (
        <>
          <span>{strings.connection(shown)}</span>
          {queued > 0 ? <span className="om-connection__queued"> {strings.queued(queued)}</span> : null}
        </>
      ) : null}
    </div>
  );
}
