import type { Metadata } from "next";
import { requireOperator } from "@/server/auth/require-operator";
import { ROLE_LABEL } from "@/contracts/roles";
import { ChangePasswordForm } from "@/components/operators/change-password-form";

export const metadata: Metadata = { title: "Your Account" };

export default async function AccountPage() {
  const me = await requireOperator("/account");
  return (
    <div className="max-w-lg space-y-5">
      <h1 className="text-xl font-semibold text-slate-900">Your Account</h1>
      <p className="text-sm text-slate-700">
        Signed in as <span className="font-medium">{me.username}</span>, {ROLE_LABEL[me.role]}. Sessions end after 30 minutes without activity.
      </p>
      <ChangePasswordForm />
    </div>
  );
}
