/** Money in the workspace currency (a setting; cents are its minor unit), fetched once per page load. */
import { adminApi } from './api';

let currency: Promise<string> | null = null;

/** The workspace currency, "USD" when the settings cannot be read. */
export function workspaceCurrency(): Promise<string> {
  return (currency ??= adminApi
    .settings()
    .then((s) => s.currency || 'USD')
    .catch(() => {
      currency = null;
      return 'USD';
    }));
}

/** 1234 cents → "$12.34", "€12.34", "CN¥12.34"; "—" for no value. */
export function formatMoney(cents: number | null | undefined, code: string): string {
  if (cents === null || cents === undefined) return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: code }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${code}`;
  }
}
