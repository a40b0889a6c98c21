import { cva, type VariantProps } from 'class-variance-authority';
import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

const badgeVariants = cva('inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium', {
  variants: {
    tone: {
      neutral: 'bg-slate-100 text-slate-700',
      pending: 'bg-slate-100 text-slate-700',
      done: 'bg-green-100 text-green-800',
      skipped: 'bg-amber-100 text-amber-800',
      reverted: 'bg-red-100 text-red-800',
      info: 'bg-sky-100 text-sky-800',
      draft: 'bg-slate-100 text-slate-700',
      active: 'bg-green-100 text-green-800',
      archived: 'bg-zinc-200 text-zinc-700',
    },
  },
  defaultVariants: { tone: 'neutral' },
});

export function Badge({
  className,
  tone,
  ...props
}: ComponentProps<'span'> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}
