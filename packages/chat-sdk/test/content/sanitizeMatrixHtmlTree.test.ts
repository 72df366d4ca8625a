// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sanitizeMatrixHtml } from '../../src/content/sanitizeMatrixHtml.js';
import { type MatrixHtmlNode, sanitizeMatrixHtmlTree } from '../../src/content/sanitizeMatrixHtmlTree.js';

/** The tree back to HTML, to compare with the string sanitizer. */
function serialize(nodes: readonly MatrixHtmlNode[]): string {
  const root = document.createElement('div');
  const build = (parent: Element, children: readonly MatrixHtmlNode[]) => {
    for (const node of children) {
      if (typeof node === 'string') {
        parent.appendChild(document.createTextNode(node));
        continue;
      }
      const element = document.createElement(node.tag);
      for (const [name, value] of Object.entries(node.attributes)) element.setAttribute(name, value);
      parent.appendChild(element);
      build(element, node.children);
    }
  };
  build(root, nodes);
  return root.innerHTML;
}

describe('sanitizeMatrixHtmlTree', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('returns the sanitized elements as data, text merged', () => {
    expect(
      sanitizeMatrixHtmlTree(
        'a<x-unknown>b</x-unknown><b onclick="x()">c</b><a href="https://example.org">d</a><script>e</script>',
      ),
    ).toEqual([
      'ab',
      { tag: 'b', attributes: {}, children: ['c'] },
      {
        tag: 'a',
        attributes: { href: 'https://example.org/', target: '_blank', rel: 'noopener noreferrer' },
        children: ['d'],
      },
    ]);
  });

  it('keeps mxc images with their size and the emoticon flag, and nothing else as a source', () => {
    expect(
      sanitizeMatrixHtmlTree(
        '<img src="mxc://example.org/wave" alt=":wave:" height="32" data-mx-emoticon="yes" style="x">' +
          '<img src="https://example.org/i.png" alt="web">' +
          '<img src="data:image/png;base64,AAAA" alt="data">' +
          '<img src="javascript:alert(1)" alt="js">' +
          '<img src="mxc://../media/x" alt="traversal">' +
          '<img src="mxc://example.org/../x" alt="dots">' +
          '<img src="mxc://example.org/a%2F..%2Fb" alt="encoded">',
      ),
    ).toEqual([
      {
        tag: 'img',
        attributes: { src: 'mxc://example.org/wave', alt: ':wave:', height: '32', 'data-mx-emoticon': '' },
        children: [],
      },
      'webdatajstraversaldotsencoded',
    ]);
  });

  it('matches the string sanitizer', () => {
    const html =
      '<p>x <b>y</b></p><table>\n<tr><td>1</td></tr></table><ol start="3"><li>z</li></ol>' +
      '<pre><code class="language-ts evil">c</code></pre><img src="mxc://example.org/abc" alt="a">';
    expect(serialize(sanitizeMatrixHtmlTree(html))).toBe(sanitizeMatrixHtml(html));
  });

  it('is empty without a DOM or input', () => {
    expect(sanitizeMatrixHtmlTree('')).toEqual([]);
    vi.stubGlobal('document', undefined);
    expect(sanitizeMatrixHtmlTree('<b>b</b>')).toEqual([]);
  });
});
