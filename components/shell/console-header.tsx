import Link from "next/link";
import { signOutAction } from "@/server/actions/sign-out.action";

export function ConsoleHeader({ username, role }: { username: string; role: "admin" | "operator" | "viewer" }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className="flex items-center gap-2 text-base font-semibold text-slate-900">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-red-600 text-[10px] font-bold tracking-tight text-white">
            DTS
          </span>
          redis-dts
        </Link>
        <nav aria-label="Sections" className="order-3 w-full sm:order-none sm:w-auto">
          <Link href="/" className="inline-block border-b-2 border-blue-600 pb-1 text-sm font-medium text-blue-700">
            Data Synchronization
          </Link>
          {role === "admin" && (
            <Link href="/operators" className="ml-4 inline-block pb-1 text-sm font-medium text-slate-700 hover:text-blue-700">
              Operators
            </Link>
          )}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span className="text-slate-600">
            <span className="hidden sm:inline">Signed in as </span>
            <Link href="/account" className="font-medium text-slate-900 underline-offset-2 hover:underline" title="Your account: change your password">
              {username}
            </Link>
            <span className="text-slate-500"> ({role})</span>
          </span>
          <form action={signOutAction}>
            <button type="submit" className="rounded-md border border-slate-300 px-2.5 py-1 text-slate-700 hover:bg-slate-50">
              Sign Out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
