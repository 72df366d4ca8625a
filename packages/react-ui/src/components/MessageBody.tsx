import { sanitizeMatrixHtmlTree } from '@openmeet/chat-sdk';
import { type ReactNode, useMemo } from 'react';
import { linkify } from '../lib/linkify.js';
import { useHydrated } from '../lib/useHydrated.js';
import { MatrixHtml } from './MatrixHtml.js';

export interface MessageBodyProps {
  content: Record<string, unknown>;
}

const FENCE = /```[^\n`]*\n?([\s\S]*?)```/g;

/**
 * A text message's body: its `formatted_body` only after the Matrix HTML allowlist
 * (`sanitizeMatrixHtmlTree`), rendered as React elements with `mxc://` images fetched through the
 * authenticated media endpoints; otherwise the plain `body` with links and fenced code blocks. The
 * sanitiser needs the DOM, so the server and the hydration pass render the plain body.
 */
export function MessageBody({ content }: MessageBodyProps) {
  const hydrated = useHydrated();
  const formatted =
    content.format === 'org.matrix.custom.html' && typeof content.formatted_body === 'string'
      ? content.formatted_body
      : undefined;
  const nodes = useMemo(
    () => (hydrated && formatted ? sanitizeMatrixHtmlTree(formatted) : []),
    [hydrated, formatted],
  );
  if (nodes.length > 0) {
    return (
      <div className="om-message__body om-message__body--html">
        <MatrixHtml nodes={nodes} />
      </div>
    );
  }
  const body = typeof content.body === 'string' ? content.body : '';
  return <div className="om-message__body">{plainBody(body)}</div>;
}

function plainBody(body: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  for (const match of body.matchAll(FENCE)) {
    if (match.index > last) nodes.push(...linkify(body.slice(last, match.index), last));
    nodes.push(
      <pre key={`code-${match.index}`} className="om-code">
        <code>{match[1]}</code>
      </pre>,
    );
    last = match.index + match[0].length;
  }
  if (last < body.length) nodes.push(...linkify(body.slice(last), last));
  return nodes;
}
