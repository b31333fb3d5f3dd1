import type { ReactNode } from "react";
import { requireOperator } from "@/server/auth/require-operator";
import { ConsoleHeader } from "@/components/shell/console-header";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const operator = await requireOperator();
  return (
    <div className="min-h-screen">
      <ConsoleHeader username={operator.username} role={operator.role} />
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">{children}</main>
    </div>
  );
}
