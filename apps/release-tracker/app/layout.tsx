import type { Metadata } from 'next';
import Link from 'next/link';
import { Boxes, LayoutDashboard, Rocket, Server } from 'lucide-react';
import 'prismjs/themes/prism-tomorrow.css';
import './globals.css';
import { OperatorForm } from '@/components/layout/operator-form';
import { currentOperator } from '@/lib/operator';

export const metadata: Metadata = {
  title: 'Release tracker',
  description: 'Plan releases as deploy and verify steps and track them per customer namespace',
};

// Every page reads the live database.
export const dynamic = 'force-dynamic';

const navigation = [
  { href: '/', label: 'Dashboard', icon: LayoutDashboard },
  { href: '/releases', label: 'Releases', icon: Rocket },
  { href: '/clusters', label: 'Clusters', icon: Server },
  { href: '/customers', label: 'Customers', icon: Boxes },
];

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const operator = await currentOperator();
  return (
    <html lang="en">
      <body>
        <div className="flex min-h-screen">
          <aside className="flex w-52 shrink-0 flex-col gap-6 bg-slate-900 p-4 text-slate-100">
            <Link href="/" className="text-lg font-semibold">
              Release tracker
            </Link>
            <nav aria-label="Main" className="grid gap-1">
              {navigation.map(({ href, label, icon: Icon }) => (
                <Link
                  key={href}
                  href={href}
                  className="flex items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-slate-800"
                >
                  <Icon className="h-4 w-4" /> {label}
                </Link>
              ))}
            </nav>
            <div className="mt-auto">
              <OperatorForm operator={operator} />
            </div>
          </aside>
          <main className="min-w-0 flex-1 p-6">{children}</main>
        </div>
      </body>
    </html>
  );
}
