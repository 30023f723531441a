/** Docker's `label` filter: "key" matches when the key is set, "key=value" when it has that value. */
export function labelMatch(labels: Record<string, string>, filter: string): boolean {
  const i = filter.indexOf('=');
  if (i < 0) return filter in labels;
  return labels[filter.slice(0, i)] === filter.slice(i + 1);
}
