import Link from "next/link";
import { Button } from "@/components/ui/button";

const STEPS = [
  ["Create Task", "Give the task a name (one is suggested) and a region label to group it."],
  ["Configure Synchronization Channel", "Enter the source and destination Redis (standalone or cluster), pick the databases and how conflicts are handled."],
  ["Precheck and start", "The precheck verifies connectivity, permissions, versions and capacity; then the full data is copied and every new write follows."],
] as const;

export function EmptyState({ region, onCreate }: { region: string | null; onCreate: () => void }) {
  if (region) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
        <h2 className="text-base font-semibold text-slate-900">No tasks in region “{region}”</h2>
        <p className="mt-1 text-sm text-slate-600">Create one here, or look at the tasks of every region.</p>
        <div className="mt-4 flex flex-wrap justify-center gap-3">
          <Button onClick={onCreate}>Create Task</Button>
          <Link href="/" className="rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50">
            All regions
          </Link>
        </div>
      </div>
    );
  }
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10">
      <div className="mx-auto max-w-2xl text-center">
        <h2 className="text-lg font-semibold text-slate-900">No synchronization tasks yet</h2>
        <p className="mt-1 text-sm text-slate-600">A task copies all data from a source Redis to a destination Redis and then keeps following every write, one way.</p>
      </div>
      <ol className="mx-auto mt-6 grid max-w-3xl gap-4 sm:grid-cols-3">
        {STEPS.map(([title, text], i) => (
          <li key={title} className="rounded-md bg-slate-50 p-4">
            <p className="text-xs font-semibold text-blue-700">Step {i + 1}</p>
            <p className="mt-1 text-sm font-medium text-slate-900">{title}</p>
            <p className="mt-1 text-sm text-slate-600">{text}</p>
          </li>
        ))}
      </ol>
      <div className="mt-6 text-center">
        <Button onClick={onCreate}>Create Task</Button>
      </div>
    </div>
  );
}
