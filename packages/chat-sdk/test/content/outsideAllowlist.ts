import { MATRIX_HTML_ALLOWLIST } from '../../src/content/matrixHtmlAllowlist.js';

/**
 * Every tag or attribute of `html` the Matrix spec's allowlist does not permit (parsed with the
 * test's DOM). `allow` admits attributes a check adds on purpose (e.g. `rel` on links).
 */
export function outsideAllowlist(
  html: string,
  allow: (tag: string, name: string, value: string) => boolean = () => false,
): string[] {
  const container = document.createElement('div');
  container.innerHTML = html;
  const problems: string[] = [];
  for (const element of Array.from(container.querySelectorAll('*'))) {
    const filters = MATRIX_HTML_ALLOWLIST.get(element.localName);
    if (filters === undefined) {
      problems.push(`<${element.localName}>`);
      continue;
    }
    for (const { name, value } of Array.from(element.attributes)) {
      if (!allow(element.localName, name, value) && filters.get(name)?.(value) !== value)
        problems.push(`<${element.localName} ${name}="${value}">`);
    }
  }
  return problems;
}
