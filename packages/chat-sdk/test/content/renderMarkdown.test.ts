// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { MATRIX_HTML_ALLOWLIST } from '../../src/content/matrixHtmlAllowlist.js';
import { renderMarkdown } from '../../src/content/renderMarkdown.js';
import { outsideAllowlist } from './outsideAllowlist.js';

/** Every element and attribute of `html` must be in the spec's allowlist with a value that passes its check. */
const TRICKY_INPUTS = [
  '<script>alert(1)</script>',
  'inline <img src=x onerror=alert(1)> html',
  '<div onclick="x()">\n**bold**\n</div>',
  '<a href="javascript:alert(1)">x</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](<java\tscript:alert(1)>)',
  '[click](&#106;avascript:alert(1))',
  '[data](data:text/html;base64,PHNjcmlwdD4=)',
  '[vb](vbscript:msgbox(1))',
  '[rel](/relative/path) [proto](//evil.example)',
  '<javascript:alert(1)>',
  '![x](javascript:alert(1))',
  '![x" onerror="alert(1)](https://example.org/a.png)',
  '![web](https://example.org/a.png "t") ![mxc](mxc://example.org/abc "a \\"title\\"")',
  '[![nested](https://example.org/i.png)](https://example.org)',
  '[a [b](https://b.example)](https://a.example)',
  '```js" onload="x\ncode <b>\n```',
  '```\n</code></pre><script>x</script>\n```',
  '`<b>` and `` ` ``',
  '> quote with <b>html</b>\n> > nested *em* [l](https://x.org)',
  '- a\n  - b\n    1. c\n       - [x] task <i>',
  '| a<b> | `c` |\n|:--|--:|\n| [l](javascript:x) | **d** |',
  '# h1\n## h2\n### h3\n#### h4\n##### h5\n###### h6\n####### h7',
  '~~del~~ ***both*** _em_ __strong__',
  'line one\nline two  \nline three\\\nend',
  '<!-- comment --> <?php ?> <![CDATA[x]]>',
  '<svg><script>alert(1)</script></svg>',
  '<style>body{display:none}</style>',
  '<<script>script>alert(1)<</script>/script>',
  '&lt;script&gt; &#60;b&#62; &amp;',
  '***\n---\n___',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '[ok][ref]\n\n[ref]: https://example.org "title"',
  '<https://example.org> <mailto:a@b.example> <user@example.org>',
  '[magnet](magnet:?xt=urn:btih:abc) [ftp](ftp://example.org/f)',
  'hi @alice:example.org [@alice:example.org](https://x.org)',
];

describe('renderMarkdown', () => {
  it.each(TRICKY_INPUTS)('emits only allowlisted HTML for %j', (input) => {
    const html = renderMarkdown(input, { mentionUserIds: ['@alice:example.org'] }) ?? '';
    expect(outsideAllowlist(html)).toEqual([]);
    // Also textually, in case a browser's parser would read the string differently from happy-dom's.
    const tags = [...html.matchAll(/<\/?([^\s/>]+)/g)].map((match) => match[1]);
    expect(tags.filter((tag) => tag === undefined || !MATRIX_HTML_ALLOWLIST.has(tag))).toEqual([]);
  });

  it('returns undefined for text without formatting, so only body is sent', () => {
    expect(renderMarkdown('hello world')).toBeUndefined();
    expect(renderMarkdown('two\nlines')).toBeUndefined();
    expect(renderMarkdown('two\n\nparagraphs')).toBeUndefined();
    expect(renderMarkdown('trailing spaces  ')).toBeUndefined();
    expect(renderMarkdown('AT&T <3 a > b &amp;')).toBeUndefined();
    expect(renderMarkdown('')).toBeUndefined();
  });

  it('keeps bare URLs as text, as receiving clients linkify them', () => {
    expect(renderMarkdown('see https://example.org')).toBeUndefined();
    expect(renderMarkdown('**see** https://example.org')).toBe('<strong>see</strong> https://example.org');
  });

  it('renders inline formatting without a wrapping paragraph', () => {
    expect(renderMarkdown('**b** *i* ~~d~~ `c`')).toBe(
      '<strong>b</strong> <em>i</em> <del>d</del> <code>c</code>',
    );
  });

  it('turns single newlines into <br> like Element', () => {
    expect(renderMarkdown('**a**\nb')).toBe('<strong>a</strong><br>b');
  });

  it('escapes raw HTML instead of passing it through', () => {
    expect(renderMarkdown('a <b>bold</b>')).toBe('a &lt;b&gt;bold&lt;/b&gt;');
    expect(renderMarkdown('<div>\nhi\n</div>')).toBe('<p>&lt;div&gt;<br>hi<br>&lt;/div&gt;</p>');
  });

  it('shows character references literally, as the plain body does', () => {
    expect(renderMarkdown('*x* &amp; &#60;')).toBe('<em>x</em> &amp;amp; &amp;#60;');
  });

  it('renders links with permitted schemes only', () => {
    expect(renderMarkdown('[a](https://example.org/x)')).toBe('<a href="https://example.org/x">a</a>');
    expect(renderMarkdown('[m](mailto:a@example.org)')).toBe('<a href="mailto:a@example.org">m</a>');
    expect(renderMarkdown('[a](javascript:alert(1)) *x*')).toBe('a <em>x</em>');
    expect(renderMarkdown('[a](/relative) *x*')).toBe('a <em>x</em>');
  });

  it('renders web images as links and mxc images as <img>', () => {
    expect(renderMarkdown('![cat](https://example.org/cat.png)')).toBe(
      '<a href="https://example.org/cat.png">cat</a>',
    );
    expect(renderMarkdown('![cat](mxc://example.org/abc)')).toBe(
      '<img src="mxc://example.org/abc" alt="cat">',
    );
    expect(renderMarkdown('[![cat](https://example.org/c.png)](https://example.org)')).toBe(
      '<a href="https://example.org/">cat</a>',
    );
  });

  it('renders code blocks with a language class', () => {
    expect(renderMarkdown('```ts\nconst a = "<x>";\n```')).toBe(
      '<pre><code class="language-ts">const a = &quot;&lt;x&gt;&quot;;\n</code></pre>',
    );
    expect(renderMarkdown('```bad"lang\nx\n```')).toBe('<pre><code>x\n</code></pre>');
  });

  it('renders lists, ordered lists with start, quotes, headings, rules and tables', () => {
    expect(renderMarkdown('- a\n- b')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>');
    expect(renderMarkdown('3. a\n4. b')).toBe('<ol start="3">\n<li>a</li>\n<li>b</li>\n</ol>');
    expect(renderMarkdown('1. a')).toBe('<ol>\n<li>a</li>\n</ol>');
    expect(renderMarkdown('- [x] done\n- [ ] todo')).toBe(
      '<ul>\n<li>[x] done</li>\n<li>[ ] todo</li>\n</ul>',
    );
    expect(renderMarkdown('> q')).toBe('<blockquote>\n<p>q</p>\n</blockquote>');
    expect(renderMarkdown('## h')).toBe('<h2>h</h2>');
    expect(renderMarkdown('a\n\n---\n\nb')).toBe('<p>a</p>\n<hr>\n<p>b</p>');
    expect(renderMarkdown('| a | b |\n|:-|-:|\n| 1 | 2 |')).toBe(
      '<table>\n<thead>\n<tr><th>a</th><th>b</th></tr>\n</thead>\n<tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody>\n</table>',
    );
  });

  it('turns listed user IDs into pills, but not inside links, code or longer words', () => {
    const ids = ['@alice:example.org'];
    expect(renderMarkdown('hi @alice:example.org!', { mentionUserIds: ids })).toBe(
      'hi <a href="https://matrix.to/#/@alice:example.org">@alice:example.org</a>!',
    );
    expect(renderMarkdown('hi @alice:example.org', { mentionUserIds: [] })).toBeUndefined();
    expect(renderMarkdown('@bob:example.org', { mentionUserIds: ids })).toBeUndefined();
    expect(
      renderMarkdown('`@alice:example.org` x@alice:example.org @alice:example.org.uk', {
        mentionUserIds: ids,
      }),
    ).toBe('<code>@alice:example.org</code> x@alice:example.org @alice:example.org.uk');
    expect(renderMarkdown('[@alice:example.org](https://x.org)', { mentionUserIds: ids })).toBe(
      '<a href="https://x.org/">@alice:example.org</a>',
    );
  });

  it('keeps no state between calls', () => {
    renderMarkdown('@alice:example.org', { mentionUserIds: ['@alice:example.org'] });
    expect(renderMarkdown('@alice:example.org')).toBeUndefined();
  });
});
