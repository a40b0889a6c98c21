import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="grid gap-2">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="text-slate-600">Nothing exists at this address; it may have been deleted.</p>
      <Link href="/" className="text-sky-700 underline">
        Back to the dashboard
      </Link>
    </div>
  );
}
