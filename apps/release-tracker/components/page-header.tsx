import Link from 'next/link';
import { Plus } from 'lucide-react';
import { Button } from '@/components/ui/button';

export function PageHeader({
  title,
  description,
  create,
  children,
}: {
  title: string;
  description?: React.ReactNode;
  /** A link to the page that creates another one of what this page lists. */
  create?: { href: string; label: string };
  children?: React.ReactNode;
}) {
  return (
    <header className="mb-5 flex flex-wrap items-start justify-between gap-3">
      <div>
        <h1 className="text-2xl font-semibold">{title}</h1>
        {description ? <div className="mt-1 text-sm text-slate-600">{description}</div> : null}
      </div>
      {children || create ? (
        <div className="flex flex-wrap gap-2">
          {children}
          {create ? (
            <Button asChild>
              <Link href={create.href}>
                <Plus className="h-4 w-4" /> {create.label}
              </Link>
            </Button>
          ) : null}
        </div>
      ) : null}
    </header>
  );
}
