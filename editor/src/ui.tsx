/** Small shared pieces: the logo, status badges, number and date formats. */
import type { FlowStatus } from './api';

export function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#4f46e5" />
      <path d="M9 22c0-8 6-13 14-13-5 2-8 6-8 13z" fill="white" />
    </svg>
  );
}

export function StatusBadge({ status }: { status: FlowStatus | string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(rate < 0.1 && rate > 0 ? 1 : 0)}%`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** With seconds: journey steps often share a minute. */
export function whenExact(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
