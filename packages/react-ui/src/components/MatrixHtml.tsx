import type { MatrixHtmlNode } from '@openmeet/chat-sdk';
import { createElement, type ReactNode } from 'react';
import { InlineImage } from './InlineImage.js';

export interface MatrixHtmlProps {
  /** From `sanitizeMatrixHtmlTree`: allowlisted tags and attributes only. */
  nodes: readonly MatrixHtmlNode[];
}

const VOID: ReadonlySet<string> = new Set(['br', 'hr', 'img']);
/** Where the HTML parser keeps whitespace that React must not render as text. */
const TABLE_PARTS: ReadonlySet<string> = new Set(['table', 'thead', 'tbody', 'tfoot', 'tr']);

/**
 * A sanitized `formatted_body` as React elements, never as `innerHTML`: the live page parses nothing,
 * and images go through `InlineImage` (their `mxc://` source becomes an authenticated blob URL).
 */
export function MatrixHtml({ nodes }: MatrixHtmlProps) {
  return <>{render(nodes, '')}</>;
}

function render(nodes: readonly MatrixHtmlNode[], parentTag: string): ReactNode[] {
  const out: ReactNode[] = [];
  nodes.forEach((node, index) => {
    if (typeof node === 'string') {
      if (!TABLE_PARTS.has(parentTag) || node.trim() !== '') out.push(node);
      return;
    }
    const { tag, attributes, children } = node;
    if (tag === 'img') {
      out.push(
        <InlineImage
          // biome-ignore lint/suspicious/noArrayIndexKey: the tree comes whole from one body; a position is an element's identity
          key={index}
          src={attributes.src}
          alt={attributes.alt}
          title={attributes.title}
          width={attributes.width}
          height={attributes.height}
          emoticon={attributes['data-mx-emoticon'] !== undefined}
        />,
      );
      return;
    }
    const props: Record<string, string | number> = { key: index };
    for (const [name, value] of Object.entries(attributes))
      props[name === 'class' ? 'className' : name] = value;
    out.push(createElement(tag, props, ...(VOID.has(tag) ? [] : render(children, tag))));
  });
  return out;
}
