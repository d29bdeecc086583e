// jstat ships no types; the one function the core uses
declare module 'jstat' {
  export const jStat: { normal: { inv(p: number, mean: number, sd: number): number } };
}
