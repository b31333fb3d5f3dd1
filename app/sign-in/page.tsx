import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentOperator } from "@/server/auth/current-operator";
import { safeReturnPath } from "@/server/auth/sign-in.types";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign In" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeReturnPath((await searchParams).next);
  if (await getCurrentOperator()) redirect(next);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-sm font-semibold tracking-wide text-blue-700 uppercase">redis-dts</p>
          <h1 className="mt-1 text-2xl font-semibold text-slate-900">Sign in to the console</h1>
          <p className="mt-2 text-sm text-slate-600">Data synchronization for Redis. The console holds database credentials, so every page needs an operator account.</p>
        </div>
        <SignInForm next={next} />
        <p className="mt-4 text-center text-xs text-slate-500">
          First start: the <span className="font-mono">admin</span> password is ADMIN_PASSWORD, or the one printed once in the server log.
        </p>
      </div>
    </main>
  );
}
