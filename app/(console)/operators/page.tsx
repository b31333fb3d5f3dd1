import type { Metadata } from "next";
import { requireOperator } from "@/server/auth/require-operator";
import { findOperators } from "@/server/db/operator/find-operators";
import { roleOf } from "@/contracts/roles";
import { OperatorsAdmin } from "@/components/operators/operators-admin";

export const metadata: Metadata = { title: "Operators" };

/** Admins only: who may sign in, and with which role. */
export default async function OperatorsPage() {
  const me = await requireOperator("/operators", { role: "admin" });
  const operators = (await findOperators()).map((o) => ({
    id: o.id,
    username: o.username,
    role: roleOf(o.role),
    lastSignInAt: o.lastSignInAt?.toISOString() ?? null,
  }));
  return (
    <div className="space-y-5">
      <h1 className="text-xl font-semibold text-slate-900">Operators</h1>
      <OperatorsAdmin operators={operators} meId={me.id} />
    </div>
  );
}
