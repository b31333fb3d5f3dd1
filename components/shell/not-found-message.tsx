import Link from "next/link";

/** What a missing page or task says, inside the console's <main> or as a page of its own. */
export function NotFoundMessage() {
  return (
    <div className="mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Not found</h1>
      <p className="mt-2 text-sm text-slate-600">This page or task does not exist (a deleted task&apos;s pages go away with it).</p>
      <Link href="/" className="mt-4 inline-block text-sm text-blue-700 hover:underline">
        Back to Synchronization Tasks
      </Link>
    </div>
  );
}
