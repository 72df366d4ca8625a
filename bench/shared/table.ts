/** A plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function table(header: string[], body: string[][], alignLeft: number[] = [0]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((line) => line[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (alignLeft.includes(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
