/** A copy of `config` with `key` set to `value`, or without `key` when `value` is undefined (optional data stays absent). */
export function withOptional<C extends object, K extends string, V>(config: C, key: K, value: V | undefined): C {
  const next = { ...config } as Record<string, unknown>;
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as C;
}
