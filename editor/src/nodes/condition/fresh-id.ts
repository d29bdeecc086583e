/** The first `base1`, `base2`, … not taken (counting on from the number of ids already there). */
export function freshId(taken: string[], base: string): string {
  for (let i = taken.length + 1; ; i++) if (!taken.includes(`${base}${i}`)) return `${base}${i}`;
}
