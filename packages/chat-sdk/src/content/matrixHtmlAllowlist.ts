import { isMxcUrl } from './isMxcUrl.js';
import { safeHref } from './safeHref.js';

/** Returns the value to keep, or undefined to drop the attribute. */
export type AttributeFilter = (value: string) => string | undefined;

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const colour: AttributeFilter = (value) => (COLOUR.test(value) ? value : undefined);
const anyText: AttributeFilter = (value) => value;
/** A boolean attribute: kept, with its value dropped. */
const present: AttributeFilter = () => '';
const integer: AttributeFilter = (value) => (/^-?\d{1,9}$/.test(value) ? value : undefined);
const size: AttributeFilter = (value) => (/^\d{1,5}$/.test(value) ? value : undefined);
const languageClass: AttributeFilter = (value) => {
  const classes = value.split(/\s+/).filter((name) => /^language-[\w#+.-]+$/.test(name));
  return classes.length > 0 ? classes.join(' ') : undefined;
};

export type AttributeFilters = ReadonlyMap<string, AttributeFilter>;

// Maps, not object literals: a lookup of `constructor` or `__proto__` must not find Object.prototype's.
const attributes = (filters: Record<string, AttributeFilter>): AttributeFilters =>
  new Map(Object.entries(filters));
const NO_ATTRIBUTES: AttributeFilters = new Map();

/**
 * The client-server spec's HTML allowlist ("m.room.message msgtypes"): permitted tags, and per tag the
 * permitted attributes with the values they may take. `font` is deprecated since v1.10 but still arrives;
 * `img data-mx-emoticon` is the one addition to the spec's list.
 */
export const MATRIX_HTML_ALLOWLIST: ReadonlyMap<string, AttributeFilters> = new Map([
  ['font', attributes({ 'data-mx-bg-color': colour, 'data-mx-color': colour, color: colour })],
  [
    'span',
    attributes({
      'data-mx-bg-color': colour,
      'data-mx-color': colour,
      'data-mx-spoiler': anyText,
      'data-mx-maths': anyText,
    }),
  ],
  ['a', attributes({ href: safeHref, target: anyText })],
  [
    'img',
    attributes({
      width: size,
      height: size,
      alt: anyText,
      title: anyText,
      src: (v) => (isMxcUrl(v) ? v : undefined),
      // A custom emoji (MSC2545, as Element sends it): shown at text size.
      'data-mx-emoticon': present,
    }),
  ],
  ['ol', attributes({ start: integer })],
  ['code', attributes({ class: languageClass })],
  ['div', attributes({ 'data-mx-maths': anyText })],
  ...[
    'del',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'p',
    'ul',
    'sup',
    'sub',
    'li',
    'b',
    'i',
    'u',
    'strong',
    'em',
    's',
    'hr',
    'br',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'caption',
    'pre',
    'details',
    'summary',
  ].map((tag): [string, AttributeFilters] => [tag, NO_ATTRIBUTES]),
]);
