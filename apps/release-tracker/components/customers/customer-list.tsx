import Link from 'next/link';

/** Customers as links to their pages, each with its namespace. */
export function CustomerList({
  customers,
}: {
  customers: { id: number; name: string; namespace: string }[];
}) {
  return (
    <ul className="grid gap-1">
      {customers.map((customer) => (
        <li key={customer.id}>
          <Link href={`/customers/${customer.id}`} className="text-sky-800 hover:underline">
            {customer.name}
          </Link>{' '}
          <span className="font-mono text-xs text-slate-500">{customer.namespace}</span>
        </li>
      ))}
    </ul>
  );
}
