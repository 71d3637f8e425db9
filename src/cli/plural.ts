/** Returns the count and the noun, with an `s` added unless the count is 1: "1 delegation", "2 delegations". */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
