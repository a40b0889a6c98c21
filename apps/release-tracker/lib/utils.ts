import { clsx, type ClassValue } from 'clsx';
import { twMerge } from 'tailwind-merge';

export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}

export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return '';
  return value.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
